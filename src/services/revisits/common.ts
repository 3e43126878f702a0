import { createHmac, randomInt } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { revisits } from '../../../db/schema/index.js';
import type { Conn, Tx } from '../../db.js';
import { conflict, notFound } from '../../domain/errors.js';
import { RATING_LABEL, RATINGS, type Rating } from '../../domain/satisfaction.js';

/**
 * 回访 (docs/domain.md "回访"): after each 销号 the raiser is asked once. Ratings older than
 * REVISIT_DAYS after the question are refused, for every kind of raiser, so that a late answer
 * never changes figures already reported.
 */
export const REVISIT_DAYS = 30;
export const REVISIT_MS = REVISIT_DAYS * 86_400_000;
export const COMMENT_MAX = 500;

export type RevisitRow = typeof revisits.$inferSelect;
export type RaiserKind = 'person' | 'deputy' | 'anonymous';

/** No 0/O, 1/I/L: read off paper and typed on a phone, like the ballot codes. 31^10 codes. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 10;

export function newRevisitCode(): string {
  const c = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}

/** Case, spaces and dashes do not matter; undefined when it cannot be a code. */
export function normalizeRevisitCode(raw: string): string | undefined {
  const c = raw.toUpperCase().replace(/[\s-]/g, '');
  if (c.length !== LENGTH || [...c].some((ch) => !ALPHABET.includes(ch))) return undefined;
  return c;
}

/** Only an HMAC keyed by APP_SECRET_KEY is stored, so a copy of the database cannot try codes offline. */
export function revisitCodeHash(normalized: string, key: string | undefined): string {
  if (!key) throw new Error('APP_SECRET_KEY is required for 回访 codes');
  return createHmac('sha256', key).update(`duban-revisit:${normalized}`).digest('hex');
}

export const BAD_CODE = '回访码无效，请核对后重新输入（10 位字母和数字）。';

/** The revisit locked, or a refusal; nothing changes. */
export async function lockRevisit(tx: Tx, id: number): Promise<RevisitRow> {
  const [v] = await tx.select().from(revisits).where(eq(revisits.id, id)).for('update');
  if (!v) throw notFound('未找到该回访。');
  return v;
}

/** Refuses a rating of a revisit already rated or past its 30 days. */
export function mustBeOpen(v: RevisitRow, now: Date): void {
  if (v.rating)
    throw conflict(`您已评价过（${RATING_LABEL[v.rating as Rating] ?? v.rating}），每次回访只能评价一次。`);
  if (now.getTime() - v.askedAt.getTime() > REVISIT_MS)
    throw conflict(`回访已超过 ${REVISIT_DAYS} 天，不能再评价。`);
}

/** The latest round of a problem's 回访, if it has one. */
export async function latestRevisit(conn: Conn, problemId: number): Promise<RevisitRow | undefined> {
  const rows = await conn.select().from(revisits).where(eq(revisits.problemId, problemId));
  return rows.sort((a, b) => b.round - a.round)[0];
}

/** A rating and its optional comment, as typed or clicked. */
export const RatingInput = z.object({
  rating: z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z
      .string()
      .refine((r) => (RATINGS as readonly string[]).includes(r), '请选择评价：满意、基本满意或不满意。')
      .transform((r) => r as Rating),
  ),
  comment: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() ? v.trim() : null),
    z
      .string()
      .refine((s) => [...s].length <= COMMENT_MAX, `意见不能超过 ${COMMENT_MAX} 个字。`)
      .nullable(),
  ),
});
export type RatingInput = z.input<typeof RatingInput>;

/**
 * Step 4 of every rating: the conditional update (`where rating is null`), so two answers make one.
 * Only the day is kept, for every kind of raiser (db/schema/revisits.ts).
 */
export async function setRating(
  tx: Tx,
  v: RevisitRow,
  r: { rating: Rating; comment: string | null },
  ratedOn: string,
): Promise<RevisitRow> {
  const [row] = await tx
    .update(revisits)
    .set({ rating: r.rating, comment: r.comment, ratedOn })
    .where(and(eq(revisits.id, v.id), isNull(revisits.rating)))
    .returning();
  if (!row) throw conflict('您已评价过，每次回访只能评价一次。');
  return row;
}
