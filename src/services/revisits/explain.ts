import { z } from 'zod';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { record, requiredText, sendText } from '../problems/common.js';
import { codeKeeper } from './ask.js';
import { decideUnsatisfied } from './decide.js';

export const ExplainInput = z.object({
  revisitId: z.number().int().positive(),
  reason: requiredText('说明理由', 2000),
});
export type ExplainInput = z.input<typeof ExplainInput>;

/**
 * 说明理由 on a 不满意件: the reason is recorded and reaches the raiser: a Lark raiser by message,
 * a 代表 through the staff member who passes their code on, the anonymous raiser on /反馈查询.
 */
export async function explainUnsatisfied(
  ctx: ServiceCtx,
  input: ExplainInput,
): Promise<{ message: string; code: string; title: string }> {
  const i = parseInput(ExplainInput, input);
  const { v, p } = await decideUnsatisfied(ctx, i.revisitId, 'explained', i.reason);
  await record(ctx, p, 'revisit_explained', { text: i.reason, data: { round: v.round } });
  const line = `关于您提出的问题「${p.title}」（${p.code}）的回访意见，说明如下：${i.reason}`;
  if (v.raiserKind === 'person' && p.raiserOpenId)
    await sendText(ctx, [p.raiserOpenId], line, 'revisit_explained', p.id);
  if (v.raiserKind === 'deputy')
    await sendText(
      ctx,
      [await codeKeeper(ctx, p)],
      `【${p.code}】请将以下说明转告人大代表${p.raiserName ?? ''}：${i.reason}`,
      'revisit_explained',
      p.id,
    );
  const to = { person: '已告知提出人', deputy: '已请工作人员转告代表', anonymous: '提出人可凭回执码查看' };
  return {
    message: `已记录 ${p.code} 的说明理由，${to[v.raiserKind as keyof typeof to] ?? ''}。`,
    code: p.code,
    title: p.title,
  };
}
