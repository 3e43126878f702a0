import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { anonymousFeedback } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { todayIn } from '../../domain/dates.js';
import { conflict, notFound } from '../../domain/errors.js';
import { receiptHash } from '../feedback/common.js';
import { parseInput } from '../input.js';
import { latestRevisit, lockRevisit, mustBeOpen, RatingInput, type RevisitRow, setRating } from './common.js';

export const RateAnonymouslyInput = RatingInput.extend({
  receiptCode: z.string(),
  now: z.date(),
  timezone: z.string(),
});
export type RateAnonymouslyInput = z.input<typeof RateAnonymouslyInput>;

/**
 * 回访 from the anonymous raiser, with the receipt code (/反馈查询 <回执码> 满意, or the web
 * lookup page). The code is the authorization; nothing about who answered is stored or logged:
 * the row keeps the rating, the comment and the day only, no history entry is written, and its
 * audit row is appended with the day's others by the housekeeping (sealAnonymousRatings), as
 * anonymous feedback's (docs/decisions/0004-anonymity.md).
 */
export async function rateAnonymously(tx: Tx, input: RateAnonymouslyInput): Promise<RevisitRow> {
  const i = parseInput(RateAnonymouslyInput, input);
  const [f] = await tx
    .select({ problemId: anonymousFeedback.problemId })
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.receiptHash, receiptHash(i.receiptCode)));
  if (!f) throw notFound('未找到该回执码，请核对后重试。');
  const latest = f.problemId ? await latestRevisit(tx, f.problemId) : undefined;
  if (latest?.raiserKind !== 'anonymous')
    throw conflict('您反映的问题尚未办结，暂不能评价。办结后可凭回执码评价。');
  const v = await lockRevisit(tx, latest.id);
  mustBeOpen(v, i.now);
  return setRating(tx, v, i, todayIn(i.now, i.timezone));
}
