import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import { campaigns } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { mustAdmin } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { type CampaignRow, campaignNameInput, defaultCampaign, resolveCampaign } from './read.js';

export const SetDefaultInput = campaignNameInput('/议题 默认 <名称>');
export type SetDefaultInput = z.input<typeof SetDefaultInput>;

/** /议题 默认 (admin): the campaign of everyone who has not switched. An archived one cannot be it. */
export async function setDefaultCampaign(
  ctx: ServiceCtx,
  raw: SetDefaultInput,
): Promise<{ campaign: CampaignRow; already: boolean }> {
  const { name } = parseInput(SetDefaultInput, raw);
  mustAdmin(ctx.actor, '设置默认议题');
  const campaign = await resolveCampaign(ctx.tx, name);
  if (campaign.state === 'archived') throw conflict(`议题「${campaign.name}」已归档，不能设为默认议题。`);
  const before = await defaultCampaign(ctx.tx);
  if (before.id === campaign.id) return { campaign, already: true };
  // Unset first: at most one default at any moment (a partial unique index holds it).
  await ctx.tx
    .update(campaigns)
    .set({ isDefault: false })
    .where(and(eq(campaigns.isDefault, true), ne(campaigns.id, campaign.id)));
  const [updated] = await ctx.tx
    .update(campaigns)
    .set({ isDefault: true })
    .where(and(eq(campaigns.id, campaign.id), eq(campaigns.state, 'open')))
    .returning();
  if (!updated) throw conflict(`议题「${campaign.name}」已归档，不能设为默认议题。`);
  await audit(
    ctx,
    'campaign.default_set',
    { type: 'campaign', id: campaign.id },
    { before: { default: before.name }, after: { default: campaign.name } },
  );
  return { campaign: updated, already: false };
}
