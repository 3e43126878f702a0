import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { categoriesOf } from '../../domain/campaign.js';
import { formatDateCn } from '../../domain/dates.js';
import { conflict, invalid } from '../../domain/errors.js';
import { DESCRIPTION_MAX, TITLE_MAX } from '../../domain/problem.js';
import { mustStaff } from '../auth.js';
import { campaignById } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { taskOnChange } from '../tasks/sync.js';
import { type ChangeResult, conclude, parseInput, updatedRow } from './common.js';
import { resolveDeadline } from './deadline.js';
import { lockProblem, type ProblemRow } from './load.js';

/** A field of the edit form: trimmed text, or absent when the form sent none (or not text). */
const field = z.preprocess((v) => (typeof v === 'string' ? v.trim() : undefined), z.string().optional());

/** Each field is optional; only those that differ from the problem change. */
export const EditInput = z.object({ title: field, description: field, category: field, deadline: field });
export type EditInput = z.input<typeof EditInput>;

type ProblemSet = Partial<typeof problems.$inferInsert>;

const LABEL: Record<string, string> = {
  title: '标题',
  description: '描述',
  category: '类别',
  deadline: '期限',
};

/** The fields that differ from the problem, each checked against its rule. */
function changesOf(
  ctx: ServiceCtx,
  p: ProblemRow,
  i: z.output<typeof EditInput>,
  categories: readonly string[],
): ProblemSet {
  const set: ProblemSet = {};
  if (i.title !== undefined && i.title !== '' && i.title !== p.title) {
    if ([...i.title].length > TITLE_MAX) throw invalid(`标题不能超过 ${TITLE_MAX} 个字。`);
    set.title = i.title;
  }
  if (i.description !== undefined && i.description !== p.description) {
    if ([...i.description].length > DESCRIPTION_MAX) throw invalid(`描述不能超过 ${DESCRIPTION_MAX} 个字。`);
    set.description = i.description;
  }
  if (i.category && i.category !== p.category) {
    if (!categories.includes(i.category))
      throw invalid(`类别「${i.category}」无效，可选：${categories.join('、')}。`);
    set.category = i.category;
  }
  if (i.deadline) {
    const d = resolveDeadline(ctx, i.deadline);
    if (d !== p.deadline) set.deadline = d;
  }
  return set;
}

/** Staff edit title, description, category and deadline; every field changed is audited before → after. */
export async function editProblem(
  ctx: ServiceCtx,
  problemId: number,
  input: EditInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  mustStaff(ctx.actor, '修改问题');
  const p = await lockProblem(ctx.tx, problemId);
  if (p.state === 'withdrawn') throw conflict(`${p.code} 已撤销，不能修改。`);
  const set = changesOf(
    ctx,
    p,
    parseInput(EditInput, input),
    categoriesOf(await campaignById(ctx.tx, p.campaignId)),
  );
  const keys = Object.keys(set) as (keyof typeof set)[];
  if (!keys.length) throw invalid('没有需要修改的内容。');
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set({ ...set, updatedAt: ctx.now })
      .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
      .returning(),
    p,
  );
  const before = Object.fromEntries(keys.map((k) => [k, p[k as keyof ProblemRow]]));
  const changed = keys.map((k) => LABEL[k]).join('、');
  await conclude(ctx, updated, 'edited', {
    text: `修改了${changed}`,
    before,
    after: set,
    tell: set.deadline ? `整改期限调整为${formatDateCn(set.deadline)}。` : undefined,
    clickedMessageId,
  });
  if (set.deadline || set.title) await taskOnChange(ctx, updated);
  return { problem: updated, message: `已修改 ${p.code}：${changed}。` };
}
