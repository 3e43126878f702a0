import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { evaluatedUnits } from '../../../db/schema/index.js';
import { invalid } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { allUnits, resolveUnit, type UnitRow } from '../units/read.js';
import { auditBy } from './common.js';
import { mustNotBeVoting } from './units.js';

/** Replaces the set of evaluated units of a campaign (`议题:<名称>`, else the asker's current one). */
export const SetEvaluatedInput = z.object({ names: z.array(z.string()), campaign: z.string().optional() });
export type SetEvaluatedInput = z.input<typeof SetEvaluatedInput>;

export async function setEvaluated(
  ctx: ServiceCtx,
  input: SetEvaluatedInput,
): Promise<{ campaign: CampaignRow; chosen: UnitRow[] }> {
  mustStaff(ctx.actor, '设置评议对象');
  const { names, campaign: named } = SetEvaluatedInput.parse(input);
  const list = [...new Set(names.map((s) => s.trim()).filter(Boolean))];
  if (!list.length) throw invalid('格式：/评议对象 设置 <单位>,<单位>…');
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '修改评议对象');
  await mustNotBeVoting(ctx, campaign);
  const all = await allUnits(ctx.tx);
  const chosen: UnitRow[] = [];
  for (const n of list) {
    const u = await resolveUnit(ctx.tx, n, all);
    if (!chosen.some((c) => c.id === u.id)) chosen.push(u);
  }
  const mine = eq(evaluatedUnits.campaignId, campaign.id);
  const before = await ctx.tx.select().from(evaluatedUnits).where(mine);
  await ctx.tx.delete(evaluatedUnits).where(mine);
  await ctx.tx.insert(evaluatedUnits).values(
    chosen.map((u) => ({
      campaignId: campaign.id,
      unitId: u.id,
      chosenBy: ctx.actor.openId,
      chosenAt: ctx.now,
    })),
  );
  await auditBy(
    ctx,
    'evaluation.units_set',
    { type: 'evaluated_units', id: campaign.id },
    {
      before: { unitIds: before.map((b) => b.unitId) },
      after: { campaign: campaign.name, units: chosen.map((u) => u.name) },
    },
  );
  return { campaign, chosen };
}
