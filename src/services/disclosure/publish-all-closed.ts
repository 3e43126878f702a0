import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import type { CampaignRow } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { anonymousIds, authorizePublish, campaignField, disclosureCampaign } from './common.js';
import { publishProblems } from './publish.js';

export const PublishAllClosedInput = z.object({ campaign: campaignField });
export type PublishAllClosedInput = z.input<typeof PublishAllClosedInput>;

/**
 * 全部已销号: every closed problem of the campaign (the asker's current one, or 议题:) not yet
 * public; anonymous ones without a public title are named, not published.
 */
export async function publishAllClosed(
  ctx: ServiceCtx,
  raw: PublishAllClosedInput = {},
): Promise<{ campaign: CampaignRow; published: string[]; needTitle: string[] }> {
  const { campaign: named } = parseInput(PublishAllClosedInput, raw);
  authorizePublish(ctx);
  const campaign = await disclosureCampaign(ctx, named, { publishing: true });
  const rows = await ctx.tx
    .select()
    .from(problems)
    .where(
      and(
        eq(problems.campaignId, campaign.id),
        eq(problems.state, 'closed'),
        sql`${problems.publishedAt} is null`,
      ),
    )
    .orderBy(asc(problems.year), asc(problems.seq))
    .for('update');
  const anon = await anonymousIds(ctx, rows);
  const needTitle = rows.filter((p) => anon.has(p.id) && !p.publicTitle?.trim()).map((p) => p.code);
  const ok = rows.filter((p) => !needTitle.includes(p.code)).map((p) => p.code);
  if (ok.length) await publishProblems(ctx, { codes: ok, campaign: campaign.name });
  return { campaign, published: ok, needTitle };
}
