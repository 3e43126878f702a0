import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { campaigns } from '../../../db/schema/index.js';
import { invalid } from '../../domain/errors.js';
import { parseWeights, type Weights } from '../../domain/scoring.js';
import { audit } from '../audit.js';
import { mustAdmin } from '../auth.js';
import { type CampaignRow, campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { weightsOf } from './weights.js';

export const SetWeightsInput = z.object({ text: z.string(), campaign: z.string().optional() });
export type SetWeightsInput = z.input<typeof SetWeightsInput>;

/**
 * `/考核 权重 签收:20 办结:40 逾期:20 退回:10 满意:10`: an admin sets one campaign's weights.
 * Weights that break the rule (negative, not summing to 100, one missing) are refused with it.
 */
export async function setWeights(
  ctx: ServiceCtx,
  raw: SetWeightsInput,
): Promise<{ campaign: CampaignRow; weights: Weights }> {
  const input = parseInput(SetWeightsInput, raw);
  mustAdmin(ctx.actor, '设置考核权重');
  const parsed = parseWeights(input.text);
  if ('error' in parsed) throw invalid(parsed.error);
  const found = await campaignFor(ctx.tx, ctx.actor.openId, input.campaign);
  const [c] = await ctx.tx.select().from(campaigns).where(eq(campaigns.id, found.id)).for('update');
  if (!c) throw invalid(`议题「${found.name}」已不存在。`);
  const before = weightsOf(c);
  const [updated] = await ctx.tx
    .update(campaigns)
    .set({ scoreWeights: parsed.weights })
    .where(eq(campaigns.id, c.id))
    .returning();
  if (!updated) throw invalid(`议题「${c.name}」已不存在。`);
  await audit(
    ctx,
    'campaign.score_weights',
    { type: 'campaign', id: c.id },
    { before: before.custom ? before.weights : null, after: parsed.weights },
  );
  return { campaign: updated, weights: parsed.weights };
}
