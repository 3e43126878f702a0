import { z } from 'zod';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { type ChangeResult, parseInput, record, refuseState, requiredText } from './common.js';
import { lockForUnit, openRequest, sendForReview } from './requests.js';

export const RequestDisputeInput = z.object({ reason: requiredText('申请改派理由', 2000) });
export type RequestDisputeInput = z.input<typeof RequestDisputeInput>;

/** 申请改派: "not ours", with a reason; staff reassign or reject. */
export async function requestDispute(
  ctx: ServiceCtx,
  problemId: number,
  input: RequestDisputeInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const { p, unitId } = await lockForUnit(ctx, problemId, true, '申请改派');
  if (!allows('requestDispute', p.state)) refuseState(p, '申请改派');
  const text = parseInput(RequestDisputeInput, input).reason;
  await openRequest(ctx, p, 'dispute', text, unitId);
  await record(ctx, p, 'dispute_requested', { text, unitId });
  await sendForReview(ctx, p, 'dispute', `${p.code} 的牵头单位申请改派，请处理。`, clickedMessageId);
  return { problem: p, message: `已提交 ${p.code} 的改派申请，等待工作人员处理。` };
}
