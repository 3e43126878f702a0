import { and, eq, isNull } from 'drizzle-orm';
import { problems, revisits } from '../../../db/schema/index.js';
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { contactsOf } from '../problems/common.js';
import type { ProblemRow } from '../problems/load.js';
import { latestRevisit, lockRevisit, type RevisitRow } from './common.js';

/**
 * Steps 2–4 shared by 重办 and 说明理由 on a 不满意件: staff only, never the raiser nor a contact
 * of the lead unit (no one decides their own case, docs/decisions/0009-separation-of-duties.md);
 * the revisit locked, still 不满意 and undecided, and the problem's latest round; then the
 * conditional update that records the disposition, so two clicks make one decision.
 */
export async function decideUnsatisfied(
  ctx: ServiceCtx,
  revisitId: number,
  disposition: 'redo' | 'explained',
  reason: string,
): Promise<{ v: RevisitRow; p: ProblemRow }> {
  mustStaff(ctx.actor, '处理不满意件');
  const v = await lockRevisit(ctx.tx, revisitId);
  const [p] = await ctx.tx.select().from(problems).where(eq(problems.id, v.problemId));
  if (!p) throw notFound('未找到该问题。');
  if (p.raiserOpenId === ctx.actor.openId) throw forbidden('您是该问题的提出人，不能处理自己的不满意件。');
  if ((await contactsOf(ctx, [p.leadUnitId])).includes(ctx.actor.openId))
    throw forbidden('您是牵头单位的联络员，不能处理本单位的不满意件，请由其他工作人员处理。');
  if (v.rating !== 'unsatisfied') throw conflict(`${p.code} 的回访评价不是不满意，无需处理。`);
  if (v.disposition) throw conflict(`${p.code} 的不满意件已处理（可能已由他人处理）。`);
  if ((await latestRevisit(ctx.tx, p.id))?.id !== v.id)
    throw conflict(`${p.code} 已再次办理，本次不满意件无需处理。`);
  const [row] = await ctx.tx
    .update(revisits)
    .set({ disposition, reason, decidedBy: ctx.actor.openId, decidedAt: ctx.now })
    .where(and(eq(revisits.id, v.id), isNull(revisits.disposition)))
    .returning();
  if (!row) throw conflict(`${p.code} 的不满意件已由他人处理。`);
  return { v: row, p };
}
