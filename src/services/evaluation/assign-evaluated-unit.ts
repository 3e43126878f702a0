import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { evaluatedUnits } from '../../../db/schema/index.js';
import { mustStaff } from '../auth.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { assignUnits, type UnitsAssigned } from '../groups/assign-units.js';
import { resolveUnit } from '../units/read.js';

/**
 * An evaluated unit to a supervision group of the campaign (the same rule as /督导组 单位: its open
 * problems in that campaign follow).
 */
export const AssignEvaluatedUnitInput = z.object({
  unit: z.string(),
  group: z.string(),
  campaign: z.string().optional(),
});
export type AssignEvaluatedUnitInput = z.input<typeof AssignEvaluatedUnitInput>;

export async function assignEvaluatedUnit(
  ctx: ServiceCtx,
  input: AssignEvaluatedUnitInput,
): Promise<UnitsAssigned & { evaluated: boolean }> {
  mustStaff(ctx.actor, '为评议对象分配督导组');
  const { unit: unitName, group: groupName, campaign: named } = AssignEvaluatedUnitInput.parse(input);
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组');
  const unit = await resolveUnit(ctx.tx, unitName);
  const r = await assignUnits(ctx, { group: groupName, units: [unit.name], campaign: campaign.name });
  const [e] = await ctx.tx
    .select()
    .from(evaluatedUnits)
    .where(and(eq(evaluatedUnits.campaignId, campaign.id), eq(evaluatedUnits.unitId, unit.id)));
  return { ...r, evaluated: !!e };
}
