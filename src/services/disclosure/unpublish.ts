import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import type { CampaignRow } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { DISCLOSURE_ACTIONS as ACTIONS } from '../disclosure.js';
import { parseInput } from '../input.js';
import {
  auditDisclosure,
  authorizePublish,
  campaignField,
  disclosureCampaign,
  lockByCodes,
  mustBeInCampaign,
  mustHaveUpdated,
} from './common.js';

export const UnpublishInput = z.object({ codes: z.array(z.string()), campaign: campaignField });
export type UnpublishInput = z.input<typeof UnpublishInput>;

/** Takes problems off the public page (their public title is kept for a later re-publication). */
export async function unpublishProblems(
  ctx: ServiceCtx,
  input: UnpublishInput,
): Promise<{ campaign: CampaignRow; withdrawn: string[]; notPublished: string[] }> {
  const { codes, campaign: named } = parseInput(UnpublishInput, input);
  authorizePublish(ctx);
  const campaign = await disclosureCampaign(ctx, named, { publishing: false });
  const rows = await lockByCodes(ctx, codes);
  await mustBeInCampaign(ctx, rows, campaign);
  const out = { campaign, withdrawn: [] as string[], notPublished: [] as string[] };
  for (const p of rows) {
    if (!p.publishedAt) {
      out.notPublished.push(p.code);
      continue;
    }
    const updated = await ctx.tx
      .update(problems)
      .set({ publishedAt: null })
      .where(eq(problems.id, p.id))
      .returning({ id: problems.id });
    mustHaveUpdated(updated, p.code);
    await auditDisclosure(
      ctx,
      ACTIONS.withdrawn,
      p,
      { publishedAt: p.publishedAt.toISOString() },
      { publishedAt: null },
    );
    out.withdrawn.push(p.code);
  }
  return out;
}
