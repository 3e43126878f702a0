import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { todayIn } from '../../domain/dates.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { audit } from '../audit.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { lockRevisit, mustBeOpen, RatingInput, type RevisitRow, setRating } from './common.js';

export const RateByCardInput = RatingInput.extend({ revisitId: z.number().int().positive() });
export type RateByCardInput = z.input<typeof RateByCardInput>;

/**
 * 回访 from a Lark raiser's card. The button names the revisit and the rating; who may rate is the
 * problem's recorded raiser, checked against the clicker, never read from the button.
 */
export async function rateByCard(
  ctx: ServiceCtx,
  input: RateByCardInput,
): Promise<{ revisit: RevisitRow; code: string; title: string }> {
  const i = parseInput(RateByCardInput, input);
  const v = await lockRevisit(ctx.tx, i.revisitId);
  const [p] = await ctx.tx.select().from(problems).where(eq(problems.id, v.problemId));
  if (!p) throw notFound('未找到该问题。');
  if (v.raiserKind !== 'person' || p.raiserOpenId !== ctx.actor.openId)
    throw forbidden('只有该问题的提出人本人可以评价。');
  mustBeOpen(v, ctx.now);
  const rated = await setRating(ctx.tx, v, i, todayIn(ctx.now, ctx.config.timezone));
  // An audit row, no history entry: the units read the history, and never learn who raised it.
  await audit(
    ctx,
    'revisit.rated',
    { type: 'problem', id: p.code },
    { after: { round: v.round, rating: i.rating } },
  );
  return { revisit: rated, code: p.code, title: p.title };
}
