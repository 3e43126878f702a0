import { z } from 'zod';
import { formatDateCn } from '../../domain/dates.js';
import { invalid } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { type ChangeResult, parseInput, rawText, record, refuseState, requiredText } from './common.js';
import { resolveDeadline } from './deadline.js';
import { lockForUnit, openRequest, sendForReview } from './requests.js';

export const RequestExtensionInput = z.object({
  reason: requiredText('延期理由', 2000),
  /** YYYY-MM-DD or "N个工作日", resolved by resolveDeadline; must be later than the deadline. */
  newDeadline: rawText,
});
export type RequestExtensionInput = z.input<typeof RequestExtensionInput>;

/** 申请延期: a pending request with a new date and a reason; supervisors decide. */
export async function requestExtension(
  ctx: ServiceCtx,
  problemId: number,
  input: RequestExtensionInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const { p, unitId } = await lockForUnit(ctx, problemId, true, '申请延期');
  if (!allows('requestExtension', p.state)) refuseState(p, '申请延期');
  const i = parseInput(RequestExtensionInput, input);
  const date = resolveDeadline(ctx, i.newDeadline);
  if (date <= p.deadline) throw invalid(`新的期限须晚于现有期限 ${formatDateCn(p.deadline)}。`);
  await openRequest(ctx, p, 'extension', i.reason, unitId, date);
  await record(ctx, p, 'extension_requested', { text: i.reason, unitId, data: { newDeadline: date } });
  await sendForReview(
    ctx,
    p,
    'extension',
    `${p.code} 申请延期至${formatDateCn(date)}，请审核。`,
    clickedMessageId,
  );
  return {
    problem: p,
    message: `已提交 ${p.code} 的延期申请（延至${formatDateCn(date)}），等待督导组审核。`,
  };
}
