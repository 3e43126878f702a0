import { and, eq } from 'drizzle-orm';
import { problems } from '../../../db/schema/index.js';
import { formatDateCn } from '../../domain/dates.js';
import { conflict } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { type ChangeResult, record, refreshCopies, refuseState } from './common.js';
import { lockForUnit } from './requests.js';

/** 签收 by a lead-unit contact: assigned → acknowledged. It takes no input beyond the problem. */
export async function acknowledge(
  ctx: ServiceCtx,
  problemId: number,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const { p, unitId } = await lockForUnit(ctx, problemId, true, '签收');
  if (!allows('acknowledge', p.state)) {
    if (p.state !== 'withdrawn' && p.acknowledgedAt) throw conflict(`${p.code} 已签收，无需重复签收。`);
    refuseState(p, '签收');
  }
  const [updated] = await ctx.tx
    .update(problems)
    .set({ state: 'acknowledged', acknowledgedAt: ctx.now, updatedAt: ctx.now })
    .where(and(eq(problems.id, p.id), eq(problems.state, 'assigned')))
    .returning();
  if (!updated) throw conflict(`${p.code} 已被他人签收。`);
  await record(ctx, updated, 'acknowledged', {
    unitId,
    before: { state: p.state },
    after: { state: 'acknowledged' },
  });
  await refreshCopies(ctx, updated, clickedMessageId);
  return { problem: updated, message: `已签收 ${p.code}，请于${formatDateCn(p.deadline)}前反馈整改进展。` };
}
