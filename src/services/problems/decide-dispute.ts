import { z } from 'zod';
import { invalid } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { resolveUnit } from '../units/read.js';
import { type ChangeResult, conclude, parseInput, rawText, requiredText } from './common.js';
import { lockProblem } from './load.js';
import { reassign } from './reassign.js';
import { mustDecide, settle } from './requests.js';

/** 同意改派 names the new lead unit; either way staff give their reasoning. */
export const DecideDisputeInput = z.object({
  accept: z.boolean(),
  newLeadUnit: rawText.optional(),
  reason: requiredText('处理意见', 2000),
});
export type DecideDisputeInput = z.input<typeof DecideDisputeInput>;

/** Staff settle a dispute: reassign to a new lead unit (→ assigned) or reject. */
export async function decideDispute(
  ctx: ServiceCtx,
  problemId: number,
  input: DecideDisputeInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  await mustDecide(ctx, p, 'dispute', '处理改派申请');
  const i = parseInput(DecideDisputeInput, input);
  const why = i.reason;
  if (!i.accept) {
    await settle(ctx, p, 'dispute', 'rejected', why);
    await conclude(ctx, p, 'dispute_rejected', {
      text: why,
      tell: `改派申请未获同意，请继续办理。意见：${why}`,
      clickedMessageId,
    });
    return { problem: p, message: `已驳回 ${p.code} 的改派申请。` };
  }
  const name = i.newLeadUnit ?? '';
  if (!name.trim()) throw invalid('同意改派时请选择新的牵头单位。');
  const unit = await resolveUnit(ctx.tx, name);
  if (unit.id === p.leadUnitId) throw invalid('新的牵头单位与原牵头单位相同。');
  await settle(ctx, p, 'dispute', 'approved', why);
  const updated = await reassign(ctx, p, unit.id, why);
  return { problem: updated, message: `已将 ${p.code} 改派至${unit.name}。` };
}
