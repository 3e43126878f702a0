import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { evaluatedUnits, groupUnits } from '../../../db/schema/index.js';
import { mustStaff } from '../auth.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { assignUnits, type UnitsAssigned } from '../groups/assign-units.js';
import { allUnits } from '../units/read.js';

/** 其余: every unit neither evaluated nor yet in a group, in the campaign, goes to its catch-all group. */
export const AssignRestInput = z.object({ group: z.string(), campaign: z.string().optional() });
export type AssignRestInput = z.input<typeof AssignRestInput>;

export async function assignRest(ctx: ServiceCtx, input: AssignRestInput): Promise<UnitsAssigned | null> {
  mustStaff(ctx.actor, '分配其余单位');
  const { group: groupName, campaign: named } = AssignRestInput.parse(input);
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组');
  const chosen = new Set(
    (await ctx.tx.select().from(evaluatedUnits).where(eq(evaluatedUnits.campaignId, campaign.id))).map(
      (e) => e.unitId,
    ),
  );
  const grouped = new Set(
    (
      await ctx.tx
        .select({ unitId: groupUnits.unitId })
        .from(groupUnits)
        .where(eq(groupUnits.campaignId, campaign.id))
    ).map((g) => g.unitId),
  );
  const rest = (await allUnits(ctx.tx)).filter((u) => !chosen.has(u.id) && !grouped.has(u.id));
  if (!rest.length) return null;
  return assignUnits(ctx, { group: groupName, units: rest.map((u) => u.name), campaign: campaign.name });
}
