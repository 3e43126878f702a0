import { and, eq } from 'drizzle-orm';
import { problemCoUnits, problems } from '../../../db/schema/index.js';
import { formatDateCn } from '../../domain/dates.js';
import { conflict } from '../../domain/errors.js';
import { allows } from '../../domain/problem.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { taskOnReassign } from '../tasks/sync.js';
import {
  announceToUnit,
  contactsOf,
  record,
  refreshCopies,
  sendCards,
  stateLabel,
  updatedRow,
} from './common.js';
import { groupOfUnit, type ProblemRow } from './load.js';

/**
 * 改派 of a problem the caller has locked: a new lead unit, state back to assigned, the old unit
 * told, the new one gets fresh cards.
 */
export async function reassign(
  ctx: ServiceCtx,
  p: ProblemRow,
  unitId: number,
  reason: string,
): Promise<ProblemRow> {
  mustStaff(ctx.actor, '改派问题');
  if (!allows('reassign', p.state))
    throw conflict(`${p.code} 当前状态为「${stateLabel(p.state)}」，不能改派。`);
  await announceToUnit(ctx, p, `已改派至其他单位办理，贵单位无需继续办理。说明：${reason}`);
  const groupId = await groupOfUnit(ctx.tx, unitId, p.campaignId);
  await ctx.tx
    .delete(problemCoUnits)
    .where(and(eq(problemCoUnits.problemId, p.id), eq(problemCoUnits.unitId, unitId)));
  const updated = updatedRow(
    await ctx.tx
      .update(problems)
      .set({
        leadUnitId: unitId,
        groupId,
        state: 'assigned',
        acknowledgedAt: null,
        progressPct: null,
        updatedAt: ctx.now,
        assignedAt: ctx.now,
      })
      .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
      .returning(),
    p,
  );
  await record(ctx, updated, 'dispute_accepted', {
    text: reason,
    unitId,
    before: { leadUnitId: p.leadUnitId, state: p.state },
    after: { leadUnitId: unitId, state: 'assigned' },
  });
  await refreshCopies(ctx, updated);
  await sendCards(ctx, updated, await contactsOf(ctx, [unitId]), 'assignment', {
    banner: `本问题改派由贵单位牵头办理，请及时签收，并于${formatDateCn(updated.deadline)}前反馈整改进展。`,
  });
  await taskOnReassign(ctx, updated, p.leadUnitId);
  return updated;
}
