import { z } from 'zod';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { type ChangeResult, rawText, requiredText } from '../problems/common.js';
import { reopen } from '../problems/reopen.js';
import { decideUnsatisfied } from './decide.js';

export const RedoInput = z.object({
  revisitId: z.number().int().positive(),
  reason: requiredText('重办理由', 2000),
  /** YYYY-MM-DD or "N个工作日", checked by reopen(). */
  deadline: rawText,
});
export type RedoInput = z.input<typeof RedoInput>;

/**
 * 重办 of a 不满意件: the problem goes back to 整改中 with a new deadline (reopen(), as 回头看's
 * 重新整改), the units get fresh cards saying why; its next 销号 is a new 回访 round.
 */
export async function redoUnsatisfied(ctx: ServiceCtx, input: RedoInput): Promise<ChangeResult> {
  const i = parseInput(RedoInput, input);
  const { p } = await decideUnsatisfied(ctx, i.revisitId, 'redo', i.reason);
  const r = await reopen(ctx, p.id, { reason: i.reason, deadline: i.deadline }, '回访不满意，重办');
  return {
    problem: r.problem,
    message: `已将 ${p.code} 重办，${r.message.replace(/^已将 \S+ 退回重新整改，/, '')}`,
  };
}
