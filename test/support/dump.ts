import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db.js';

/** Every row of every table (with xmin), as text: the honest way to check what the database keeps. */
export async function dumpDatabase(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
  const res = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const tables = rowsOf(res).map((r) => String(r.table_name));
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const t of tables)
    out[t] = rowsOf(await db.execute(sql.raw(`select t.*, xmin::text as _xmin from "${t}" t`)));
  return out;
}

function rowsOf(res: unknown): Record<string, unknown>[] {
  return (Array.isArray(res) ? res : (res as { rows: Record<string, unknown>[] }).rows) as Record<
    string,
    unknown
  >[];
}

/** The dump as one searchable string (bytea and jsonb included). */
export async function dumpText(db: Db): Promise<string> {
  return JSON.stringify(await dumpDatabase(db), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
}
