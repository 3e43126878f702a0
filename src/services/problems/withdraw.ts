import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { problemRequests, problems } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { taskOnWithdraw } from '../tasks/sync.js';
import { type ChangeResult, conclude, parseInput, requiredText, stateLabel, updatedRow } from './common.js';
import { lockProblem } from './load.js';

export const WithdrawInput = z.object({ reason: requiredText('撤销理由', 2000) });
export type WithdrawInput = z.input<typeof WithdrawInput>;

/** 撤销 by staff, with a reason: any state but closed → withdrawn; pending requests are cancelled. */
export async function withdraw(
  ctx: ServiceCtx,
  problemId: number,
  input: WithdrawInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  mustStaff(ctx.actor, '撤销问题');
  const p = await lockProblem(ctx.tx, problemId);
  if (!allows('withdraw', p.state))
    throw conflict(`${p.code} 当前状态为「${stateLabel(p.state)}」，不能撤销。`);
  const why = parseInput(WithdrawInput, input).reason;
  await ctx.tx
    .update(problemRequests)
    .set({
      status: 'cancelled',
      decidedBy: ctx.actor.openId,
      decidedAt: ctx.now,
      decisionReason: '问题已撤销',
    })
    .where(and(eq(problemRequests.problemId, p.id), eq(problemRequests.status, 'pending')));
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set({ state: 'withdrawn', updatedAt: ctx.now })
      .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
      .returning(),
    p,
  );
  await conclude(ctx, updated, 'withdrawn', {
    text: why,
    before: { state: p.state },
    after: { state: 'withdrawn' },
    tell: `问题已撤销，无需继续办理。理由：${why}`,
    clickedMessageId,
  });
  await taskOnWithdraw(ctx, p.id);
  return { problem: updated, message: `已撤销 ${p.code}。` };
}
