import type postgres from 'postgres';

/**
 * The postgres.js options every duban client shares, on Node and on Workers
 * (docs/decisions/0012-workers.md).
 *
 * postgres.js learns the array types from the server (`fetch_types`) with one extra query on every
 * new connection. On Workers a client lives for one invocation, so that query would be paid on every
 * request; and with it off, postgres.js hands array results back as the literal text ('{staff}'),
 * so `array_agg` in a raw query and `text[]` columns read outside drizzle broke roles there. Instead
 * the array types duban reads get static parsers here, and both runtimes run with fetch_types off:
 * the Node test suite then sees exactly what the Worker sees.
 */

type Element = (raw: string) => unknown;

const asText: Element = (raw) => raw;
const asNumber: Element = (raw) => Number(raw);
const asBool: Element = (raw) => raw === 't';
const asJson: Element = (raw) => JSON.parse(raw);

/**
 * PostgreSQL's array literal ('{a,"b c",NULL,{1,2}}') into nested arrays. Unquoted NULL is null;
 * quoted elements keep backslash escapes' characters. Every type here uses ',' as the delimiter.
 */
export function parsePgArray(literal: string, element: Element = asText): unknown[] {
  let i = literal.indexOf('{'); // a leading "[1:2]=" dimension decoration is skipped
  const loop = (): unknown[] => {
    const out: unknown[] = [];
    i++; // past '{'
    while (i < literal.length) {
      const c = literal[i];
      if (c === '}') {
        i++;
        return out;
      }
      if (c === ',') {
        i++;
      } else if (c === '{') {
        out.push(loop());
      } else if (c === '"') {
        let s = '';
        for (i++; i < literal.length && literal[i] !== '"'; i++)
          s += literal[i] === '\\' ? literal[++i] : literal[i];
        i++; // past the closing quote
        out.push(element(s));
      } else {
        let j = i;
        while (j < literal.length && literal[j] !== ',' && literal[j] !== '}') j++;
        const raw = literal.slice(i, j).trim();
        out.push(raw.toUpperCase() === 'NULL' ? null : element(raw));
        i = j;
      }
    }
    return out;
  };
  return i < 0 ? [] : loop();
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A JS array as an array literal (strings pass through: drizzle already sends literals). */
export function serializePgArray(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw new TypeError('not an array');
  const item = (x: unknown): string =>
    x === null || x === undefined
      ? 'NULL'
      : Array.isArray(x)
        ? serializePgArray(x)
        : quote(typeof x === 'object' ? JSON.stringify(x) : String(x));
  return `{${value.map(item).join(',')}}`;
}

/**
 * Array type oid → how one element reads. Fixed oids of built-in types (pg_type.typarray). Date,
 * timestamp and numeric arrays are left out: drizzle's postgres-js driver installs pass-through
 * parsers for those and reads them itself.
 */
export const ARRAY_OIDS: Readonly<Record<number, Element>> = {
  1000: asBool, // bool[]
  1005: asNumber, // int2[]
  1007: asNumber, // int4[]
  1016: asText, // int8[]: text, as postgres.js reads int8 itself (beyond 2^53)
  1021: asNumber, // float4[]
  1022: asNumber, // float8[]
  1009: asText, // text[]
  1015: asText, // varchar[]
  1014: asText, // bpchar[]
  2951: asText, // uuid[]
  199: asJson, // json[]
  3807: asJson, // jsonb[]
};

function arrayTypes(): Record<string, postgres.PostgresType> {
  const out: Record<string, postgres.PostgresType> = {};
  for (const [oid, element] of Object.entries(ARRAY_OIDS)) {
    out[`array_${oid}`] = {
      to: Number(oid),
      from: [Number(oid)],
      serialize: serializePgArray,
      parse: (raw: string) => parsePgArray(raw, element),
    };
  }
  return out;
}

/** Spread into every `postgres(url, { ...pgOptions, max })`. */
export const pgOptions = {
  fetch_types: false,
  types: arrayTypes(),
  onnotice: () => {},
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;
