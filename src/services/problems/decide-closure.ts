import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { askRevisit } from '../revisits/ask.js';
import { taskOnChange } from '../tasks/sync.js';
import {
  type ChangeResult,
  conclude,
  optionalText,
  parseInput,
  requiredText,
  stateLabel,
  updatedRow,
} from './common.js';
import { lockProblem } from './load.js';
import { mustDecide, settle } from './requests.js';

/** 同意销号 takes an optional note; 退回整改 needs a reason. */
export const DecideClosureInput = z.discriminatedUnion('approve', [
  z.object({ approve: z.literal(true), reason: optionalText }),
  z.object({ approve: z.literal(false), reason: requiredText('退回理由', 2000) }),
]);
export type DecideClosureInput = z.input<typeof DecideClosureInput>;

/** 同意销号 / 退回整改 by the problem's supervisors: closure_requested → closed or back to in_progress. */
export async function decideClosure(
  ctx: ServiceCtx,
  problemId: number,
  input: DecideClosureInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const approve = input.approve;
  if (!allows(approve ? 'approveClosure' : 'returnClosure', p.state))
    throw conflict(
      `${p.code} 当前状态为「${stateLabel(p.state)}」，没有待审核的销号申请（可能已由他人处理）。`,
    );
  await mustDecide(ctx, p, 'closure', approve ? '同意销号' : '退回整改');
  const why = parseInput(DecideClosureInput, input).reason;
  await settle(ctx, p, 'closure', approve ? 'approved' : 'rejected', why);
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set(
        approve
          ? { state: 'closed', closedAt: ctx.now, updatedAt: ctx.now }
          : { state: 'in_progress', updatedAt: ctx.now },
      )
      .where(and(eq(problems.id, p.id), eq(problems.state, 'closure_requested')))
      .returning(),
    p,
  );
  await conclude(ctx, updated, approve ? 'closure_approved' : 'closure_returned', {
    text: why ?? '',
    before: { state: p.state },
    after: { state: updated.state },
    tell: approve
      ? `督导组已同意销号，问题「${p.title}」已办结。`
      : `销号申请被退回，请继续整改。退回理由：${why}`,
    clickedMessageId,
  });
  // 回访: the raiser is asked once per 销号, in this transaction (services/revisits/ask.ts).
  if (approve) await askRevisit(ctx, updated);
  if (approve) await taskOnChange(ctx, updated);
  return {
    problem: updated,
    message: approve ? `已同意 ${p.code} 销号。` : `已退回 ${p.code}，已通知承办单位继续整改。`,
  };
}
