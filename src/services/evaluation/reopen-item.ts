import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import type { ServiceCtx } from '../context.js';
import { reopen } from '../problems/reopen.js';
import { auditBy } from './common.js';
import { type Decided, decideItem, lockPendingItem, refreshUnitCards } from './reinspection.js';

/** 重新整改: reopen() with a new deadline and reason; the unit is told and works on it again. */
/** Deadline and reason arrive from the card's form as they were typed; reopen() checks them. */
export const ReopenItemInput = z.object({
  itemId: z.number(),
  deadline: z.unknown(),
  reason: z.unknown(),
  clickedMessageId: z.string().optional(),
});
export type ReopenItemInput = z.input<typeof ReopenItemInput>;

export async function reopenItem(ctx: ServiceCtx, input: ReopenItemInput): Promise<Decided> {
  const { itemId, clickedMessageId, ...form } = ReopenItemInput.parse(input);
  const { item, evaluation, p } = await lockPendingItem(ctx, itemId);
  // A closed problem keeps the group that closed it; reopened, it follows its unit's group now
  // (as open problems do, groups.ts), so that group's supervisors decide it from here on.
  if (item.groupId !== null && p.groupId !== item.groupId) {
    await ctx.tx.update(problems).set({ groupId: item.groupId }).where(eq(problems.id, p.id));
  }
  const r = await reopen(ctx, p.id, form);
  await decideItem(ctx, item, {
    status: 'reopened',
    newDeadline: r.problem.deadline,
    reason: String(form.reason ?? '').trim(),
  });
  await auditBy(
    ctx,
    'reinspection.reopened',
    { type: 'problem', id: p.code },
    { after: { evaluationId: evaluation.id, deadline: r.problem.deadline } },
  );
  await refreshUnitCards(ctx.tx, evaluation, item.unitId, ctx.now, clickedMessageId);
  return { message: r.message, evaluation, unitId: item.unitId };
}
