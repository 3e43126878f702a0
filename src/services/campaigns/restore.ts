import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { campaigns } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { type CampaignRow, campaignNameInput, resolveCampaign } from './read.js';

export const RestoreCampaignInput = campaignNameInput('/议题 恢复 <名称>');
export type RestoreCampaignInput = z.input<typeof RestoreCampaignInput>;

/** /议题 恢复: an archived campaign is open again (its open problems are chased again from the next run). */
export async function restoreCampaign(
  ctx: ServiceCtx,
  raw: RestoreCampaignInput,
): Promise<{ campaign: CampaignRow; already: boolean }> {
  const { name } = parseInput(RestoreCampaignInput, raw);
  mustStaff(ctx.actor, '恢复议题');
  const found = await resolveCampaign(ctx.tx, name);
  const [c] = await ctx.tx.select().from(campaigns).where(eq(campaigns.id, found.id)).for('update');
  if (!c) throw conflict(`议题「${found.name}」已不存在。`);
  if (c.state === 'open') return { campaign: c, already: true };
  const [updated] = await ctx.tx
    .update(campaigns)
    .set({ state: 'open', archivedAt: null })
    .where(and(eq(campaigns.id, c.id), eq(campaigns.state, 'archived')))
    .returning();
  if (!updated) throw conflict(`议题「${c.name}」已由他人恢复。`);
  await audit(
    ctx,
    'campaign.restored',
    { type: 'campaign', id: c.id },
    { before: { state: 'archived' }, after: { state: 'open' } },
  );
  return { campaign: updated, already: false };
}
