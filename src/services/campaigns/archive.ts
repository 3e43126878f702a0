import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { campaigns, problems } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { OPEN_STATES } from '../../domain/problem.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { type CampaignRow, campaignNameInput, resolveCampaign } from './read.js';

export const ArchiveCampaignInput = campaignNameInput('/议题 归档 <名称> [强制]').extend({
  /** 强制: archive with open problems left in it; they stay as they are, read-only and unchased. */
  force: z.boolean().default(false),
});
export type ArchiveCampaignInput = z.input<typeof ArchiveCampaignInput>;

/**
 * /议题 归档: the campaign becomes read-only (no reminders, no new problems, its problems can only
 * be viewed). Refused while it is the default campaign, and while it has open problems unless
 * 强制 is given, with what to do first. /议题 恢复 undoes it.
 */
export async function archiveCampaign(
  ctx: ServiceCtx,
  raw: ArchiveCampaignInput,
): Promise<{ campaign: CampaignRow; already: boolean; openLeft: number }> {
  const { name, force } = parseInput(ArchiveCampaignInput, raw);
  mustStaff(ctx.actor, '归档议题');
  const found = await resolveCampaign(ctx.tx, name);
  const [c] = await ctx.tx.select().from(campaigns).where(eq(campaigns.id, found.id)).for('update');
  if (!c) throw conflict(`议题「${found.name}」已不存在。`);
  if (c.state === 'archived') return { campaign: c, already: true, openLeft: 0 };
  if (c.isDefault)
    throw conflict(`议题「${c.name}」是默认议题，不能归档。请先由管理员用 /议题 默认 <名称> 另设默认议题。`);
  const [{ n }] = (await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(problems)
    .where(and(eq(problems.campaignId, c.id), inArray(problems.state, OPEN_STATES)))) as [{ n: number }];
  if (n > 0 && !force)
    throw conflict(
      `议题「${c.name}」还有 ${n} 件未办结的问题，不能归档。请先办结或撤销这些问题（/清单 议题:${c.name} 未销号），再归档；如确需保留原状归档，请发送 /议题 归档 ${c.name} 强制。`,
    );
  const [updated] = await ctx.tx
    .update(campaigns)
    .set({ state: 'archived', archivedAt: ctx.now })
    .where(and(eq(campaigns.id, c.id), eq(campaigns.state, 'open')))
    .returning();
  if (!updated) throw conflict(`议题「${c.name}」已由他人归档。`);
  await audit(
    ctx,
    'campaign.archived',
    { type: 'campaign', id: c.id },
    { before: { state: 'open' }, after: { state: 'archived', openLeft: n } },
  );
  return { campaign: updated, already: false, openLeft: n };
}
