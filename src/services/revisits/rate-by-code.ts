import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems, revisits, units } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import type { Conn, Tx } from '../../db.js';
import { todayIn } from '../../domain/dates.js';
import { conflict, notFound } from '../../domain/errors.js';
import { parseInput } from '../input.js';
import { hasRoom, type RateWindow, takeHit } from '../rate-windows.js';
import {
  BAD_CODE,
  mustBeOpen,
  normalizeRevisitCode,
  RatingInput,
  type RevisitRow,
  revisitCodeHash,
  setRating,
} from './common.js';

export const CODE_ACTOR = '回访码';

export const RateByCodeInput = RatingInput.extend({
  code: z.string(),
  now: z.date(),
  timezone: z.string(),
  key: z.string().optional(),
});
export type RateByCodeInput = z.input<typeof RateByCodeInput>;

/** The revisit a 代表's code opens, locked when asked to; a refusal when unknown, used or expired. */
export async function revisitOfCode(
  tx: Conn,
  raw: string,
  now: Date,
  key: string | undefined,
  lock = false,
): Promise<RevisitRow> {
  const n = normalizeRevisitCode(raw);
  if (!n) throw notFound(BAD_CODE);
  const q = tx
    .select()
    .from(revisits)
    .where(eq(revisits.codeHash, revisitCodeHash(n, key)));
  const [v] = lock ? await q.for('update') : await q;
  if (!v) throw notFound(BAD_CODE);
  if (v.rating) throw conflict('该回访码已经使用过，每个回访码只能使用一次。');
  if (v.expiresAt && v.expiresAt.getTime() < now.getTime())
    throw conflict('该回访码已过期（30 日内有效）。如需评价，请联系工作人员。');
  mustBeOpen(v, now);
  return v;
}

/** What the code's page shows before the rating: the problem it is about. */
export async function checkRevisitCode(
  conn: Conn,
  raw: string,
  now: Date,
  key: string | undefined,
): Promise<{ code: string; title: string; unitName: string }> {
  const v = await revisitOfCode(conn, raw, now, key);
  const [p] = await conn
    .select({ code: problems.code, title: problems.title, unitName: units.name })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(eq(problems.id, v.problemId));
  if (!p) throw notFound(BAD_CODE);
  return p;
}

/** Wrong codes app-wide per 10 minutes before every check waits (never per IP: we keep none). */
const GUESS: RateWindow = { scope: 'revisit-guess', windowMs: 10 * 60_000, cap: 100 };
export const revisitGuessingAllowed = (conn: Conn, now: Date) => hasRoom(conn, GUESS, now);
export async function countWrongRevisitCode(conn: Conn, now: Date): Promise<void> {
  await takeHit(conn, GUESS, now);
}

/**
 * 回访 on the web with a 代表's one-time code (GET/POST /revisit). The unused, unexpired code is
 * the authorization; it is spent in the rating's transaction. The audit row names the code as
 * the actor, never the code itself.
 */
export async function rateByCode(
  tx: Tx,
  input: RateByCodeInput,
): Promise<{ revisit: RevisitRow; code: string }> {
  const i = parseInput(RateByCodeInput, input);
  const v = await revisitOfCode(tx, i.code, i.now, i.key, true);
  const rated = await setRating(tx, v, i, todayIn(i.now, i.timezone));
  const [p] = await tx.select({ code: problems.code }).from(problems).where(eq(problems.id, v.problemId));
  await appendAudit(tx, {
    at: i.now,
    actorOpenId: null,
    actorName: CODE_ACTOR,
    action: 'revisit.rated',
    subjectType: 'problem',
    subjectId: p?.code ?? String(v.problemId),
    before: null,
    after: { round: v.round, rating: i.rating, via: 'code' },
  });
  return { revisit: rated, code: p?.code ?? '' };
}
