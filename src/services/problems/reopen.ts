import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { formatDateCn } from '../../domain/dates.js';
import { conflict, forbidden } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { taskOnChange } from '../tasks/sync.js';
import {
  type ChangeResult,
  contactsOf,
  coUnitIds,
  parseInput,
  rawText,
  record,
  requiredText,
  sendCards,
  updatedRow,
} from './common.js';
import { resolveDeadline } from './deadline.js';
import { lockProblem, relationOf } from './load.js';

export const ReopenInput = z.object({
  reason: requiredText('重新整改理由', 2000),
  /** YYYY-MM-DD or "N个工作日", resolved by resolveDeadline. */
  deadline: rawText,
});
export type ReopenInput = z.input<typeof ReopenInput>;

/**
 * 重新整改 (回头看, or 重办 after 回访 不满意): closed → in_progress with a new deadline; the units get
 * fresh cards whose banner names the cause.
 */
export async function reopen(
  ctx: ServiceCtx,
  problemId: number,
  input: ReopenInput,
  cause = '回头看',
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const r = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, p);
  if (!r.staff && !r.supervisor) throw forbidden('只有工作人员或该问题的督导组成员可以重新整改。');
  if (!allows('reopen', p.state)) throw conflict(`${p.code} 未销号，无需重新整改。`);
  const i = parseInput(ReopenInput, input);
  const why = i.reason;
  const d = resolveDeadline(ctx, i.deadline);
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set({ state: 'in_progress', deadline: d, closedAt: null, updatedAt: ctx.now })
      .where(and(eq(problems.id, p.id), eq(problems.state, 'closed')))
      .returning(),
    p,
  );
  await record(ctx, updated, 'reopened', {
    text: why,
    before: { state: 'closed', deadline: p.deadline },
    after: { state: 'in_progress', deadline: d },
  });
  await sendCards(
    ctx,
    updated,
    await contactsOf(ctx, [updated.leadUnitId, ...(await coUnitIds(ctx, p.id))]),
    'reopened',
    { banner: `${cause}：本问题需重新整改，请于${formatDateCn(d)}前反馈。理由：${why}` },
  );
  await taskOnChange(ctx, updated);
  return { problem: updated, message: `已将 ${p.code} 退回重新整改，期限${formatDateCn(d)}。` };
}
