import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import {
  type ChangeResult,
  parseInput,
  record,
  refreshCopies,
  refuseState,
  requiredText,
  updatedRow,
} from './common.js';
import { lockForUnit } from './requests.js';

const PERCENT_RULE = '完成比例须为 0 到 100 之间的整数。';

export const ProgressInput = z.object({
  content: requiredText('整改进展'),
  /** "60", "60%" or "60 ％"; null when left empty. */
  percent: z.preprocess(
    (v) =>
      v === undefined || v === null || String(v).trim() === ''
        ? null
        : Number(String(v).replace(/[%％\s]/g, '')),
    z.custom<number | null>(
      (n) => n === null || (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100),
      PERCENT_RULE,
    ),
  ),
  /** 整改成效, at most 500 characters kept. */
  outcome: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 500) : null),
    z.string().nullable(),
  ),
});
export type ProgressInput = z.input<typeof ProgressInput>;

/** 反馈进展: by the lead unit (acknowledged/in_progress → in_progress) or a cooperating unit (its part, no state change). */
export async function reportProgress(
  ctx: ServiceCtx,
  problemId: number,
  input: ProgressInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const { p, unitId, lead } = await lockForUnit(ctx, problemId, false, '反馈进展');
  if (p.state === 'assigned' && lead) throw conflict(`请先签收 ${p.code}，再反馈进展。`);
  if (!allows('progress', p.state) && !(p.state === 'assigned' && !lead)) refuseState(p, '反馈进展');
  const { content, percent, outcome } = parseInput(ProgressInput, input);
  const set: Partial<typeof problems.$inferInsert> = { lastProgressAt: ctx.now, updatedAt: ctx.now };
  if (lead) {
    set.state = 'in_progress';
    if (percent !== null) set.progressPct = percent;
  }
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set(set)
      .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
      .returning(),
    p,
  );
  await record(ctx, updated, 'progress', {
    text: content,
    unitId,
    data: { percent, outcome, part: lead ? 'lead' : 'co' },
    before: { state: p.state },
    after: { state: updated.state, percent },
  });
  await refreshCopies(ctx, updated, clickedMessageId);
  return { problem: updated, message: `已记录 ${p.code} 的整改进展。` };
}
