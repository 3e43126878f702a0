import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { evidence, problems } from '../../../db/schema/index.js';
import { conflict, invalid } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { type ChangeResult, parseInput, record, refuseState, requiredText, updatedRow } from './common.js';
import { lockForUnit, openRequest, sendForReview } from './requests.js';

export const RequestClosureInput = z.object({ summary: requiredText('整改情况小结') });
export type RequestClosureInput = z.input<typeof RequestClosureInput>;

/** 申请销号 (lead unit only, at least one piece of evidence): → closure_requested; supervisors get the review card. */
export async function requestClosure(
  ctx: ServiceCtx,
  problemId: number,
  input: RequestClosureInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const { p, unitId } = await lockForUnit(ctx, problemId, true, '申请销号');
  if (p.state === 'assigned') throw conflict(`请先签收 ${p.code}，再申请销号。`);
  if (!allows('requestClosure', p.state)) refuseState(p, '申请销号');
  const text = parseInput(RequestClosureInput, input).summary;
  const [count] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(evidence)
    .where(eq(evidence.problemId, p.id));
  if (!count?.n) throw invalid(`${p.code} 尚无佐证材料，不能申请销号。请先回复问题卡片发送整改照片或文件。`);
  await openRequest(ctx, p, 'closure', text, unitId);
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set({ state: 'closure_requested', updatedAt: ctx.now })
      .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
      .returning(),
    p,
  );
  await record(ctx, updated, 'closure_requested', {
    text,
    unitId,
    before: { state: p.state },
    after: { state: 'closure_requested' },
  });
  await sendForReview(
    ctx,
    updated,
    'closure',
    `${updated.code} 申请销号，请审核整改情况和佐证材料。`,
    clickedMessageId,
  );
  return { problem: updated, message: `已提交 ${p.code} 的销号申请，等待督导组审核。` };
}
