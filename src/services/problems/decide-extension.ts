import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { formatDateCn } from '../../domain/dates.js';
import type { ServiceCtx } from '../context.js';
import { taskOnChange } from '../tasks/sync.js';
import { type ChangeResult, conclude, parseInput, requiredText, updatedRow } from './common.js';
import { lockProblem, type ProblemRow } from './load.js';
import { mustDecide, settle } from './requests.js';

/** 同意延期 takes nothing more; 驳回延期 needs a reason. */
export const DecideExtensionInput = z.discriminatedUnion('approve', [
  z.object({ approve: z.literal(true) }),
  z.object({ approve: z.literal(false), reason: requiredText('驳回理由', 2000) }),
]);
export type DecideExtensionInput = z.input<typeof DecideExtensionInput>;

/** 同意延期 / 驳回延期 by the problem's supervisors: the deadline moves to the requested date, or stays. */
export async function decideExtension(
  ctx: ServiceCtx,
  problemId: number,
  input: DecideExtensionInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const approve = input.approve;
  await mustDecide(ctx, p, 'extension', approve ? '同意延期' : '驳回延期');
  const i = parseInput(DecideExtensionInput, input);
  const why = i.approve ? null : i.reason;
  const req = await settle(ctx, p, 'extension', approve ? 'approved' : 'rejected', why);
  const newDeadline = req.newDeadline!;
  let updated: ProblemRow = p;
  if (approve) {
    updated = updatedRow(
      await ctx.tx
        .update(problems)
        .set({ deadline: newDeadline, updatedAt: ctx.now })
        .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
        .returning(),
      p,
    );
  }
  await conclude(ctx, updated, approve ? 'extension_approved' : 'extension_rejected', {
    text: approve ? `期限由${formatDateCn(p.deadline)}延至${formatDateCn(newDeadline)}` : why!,
    before: { deadline: p.deadline },
    after: { deadline: updated.deadline },
    tell: approve
      ? `延期申请已同意，整改期限延至${formatDateCn(newDeadline)}。`
      : `延期申请未获同意，整改期限仍为${formatDateCn(p.deadline)}。理由：${why}`,
    clickedMessageId,
  });
  if (approve) await taskOnChange(ctx, updated);
  return {
    problem: updated,
    message: approve
      ? `已同意 ${p.code} 延期至${formatDateCn(newDeadline)}。`
      : `已驳回 ${p.code} 的延期申请。`,
  };
}
