import { sql } from 'drizzle-orm';
import { type Conn, rowsOf } from '../../db.js';

export type DocumentKind = 'notice' | 'urge' | 'report';
export const DOCUMENT_LABEL: Record<DocumentKind, string> = {
  notice: '督办通知书',
  urge: '催办通知书',
  report: '通报',
};

/**
 * The next number of a (kind, year) series, in the caller's transaction. One upsert: the first
 * document of a year creates the row; every later one waits on its row lock until the holder
 * commits or rolls back, so numbers are consecutive and a failed document leaves no gap.
 */
export async function allocateNumber(conn: Conn, kind: DocumentKind, year: number): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await conn.execute(sql`insert into document_series (kind, year, next) values (${kind}, ${year}, 2)
      on conflict (kind, year) do update set next = document_series.next + 1
      returning next - 1 as n`),
  );
  if (!row) throw new Error('document_series upsert returned no row');
  return Number(row.n);
}
