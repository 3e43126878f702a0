import type { z } from 'zod';
import { campaignChoices } from '../../../db/schema/index.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { type CampaignRow, campaignNameInput, resolveCampaign } from './read.js';

export const SwitchCampaignInput = campaignNameInput('/议题 切换 <名称>');
export type SwitchCampaignInput = z.input<typeof SwitchCampaignInput>;

/** /议题 切换: the asker's current campaign from now on (kept per person, archived ones too: they can be read). */
export async function switchCampaign(ctx: ServiceCtx, raw: SwitchCampaignInput): Promise<CampaignRow> {
  const { name } = parseInput(SwitchCampaignInput, raw);
  mustStaff(ctx.actor, '切换议题');
  const campaign = await resolveCampaign(ctx.tx, name);
  await ctx.tx
    .insert(campaignChoices)
    .values({ openId: ctx.actor.openId, campaignId: campaign.id, chosenAt: ctx.now })
    .onConflictDoUpdate({
      target: campaignChoices.openId,
      set: { campaignId: campaign.id, chosenAt: ctx.now },
    });
  await audit(
    ctx,
    'campaign.switched',
    { type: 'campaign', id: campaign.id },
    { after: { openId: ctx.actor.openId } },
  );
  return campaign;
}
