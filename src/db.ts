import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/**
 * The database as services see it: PostgreSQL via postgres.js or PGlite, never named here.
 * Built without drizzle's relational schema (we use the SQL-like builder only): with a schema,
 * every transaction and savepoint builds query helpers for all tables, a measured ~25% of the
 * webhook's CPU (bench/run.ts).
 */
export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;
/** Anything that can run queries: the database or an open transaction. */
export type Conn = Db | Tx;

/** True when the database answers (GET /healthz). */
export async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Rows of a raw db.execute() result: postgres.js returns an array, PGlite an object with rows. */
export function rowsOf<T = Record<string, unknown>>(res: unknown): T[] {
  return (Array.isArray(res) ? res : ((res as { rows?: T[] }).rows ?? [])) as T[];
}
