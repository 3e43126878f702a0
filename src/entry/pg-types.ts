import type postgres from 'postgres';

/** The postgres.js options every duban client shares, on Node and on Workers. */
export const pgOptions = {
  fetch_types: false,
  onnotice: () => {},
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;
