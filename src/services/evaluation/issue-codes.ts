import { z } from 'zod';
import { votingCodes } from '../../../db/schema/index.js';
import { conflict, invalid } from '../../domain/errors.js';
import { VOTER_CATEGORIES } from '../../domain/tally.js';
import { mustStaff } from '../auth.js';
import { namedOrCurrent } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { codeHash, MAX_CODES, newVotingCode, normalizeCode } from './codes.js';
import { auditBy, openEvaluation } from './common.js';

export const IssueCodesInput = z.object({
  category: z.enum(VOTER_CATEGORIES),
  count: z.union([z.number(), z.nan()]),
  campaign: z.string().optional(),
});
export type IssueCodesInput = z.input<typeof IssueCodesInput>;

/** /投票码: one-time codes for one category of voters outside the tenant, for the campaign's open vote. */
export async function issueCodes(
  ctx: ServiceCtx,
  input: IssueCodesInput,
): Promise<{ codes: string[]; evaluationName: string; campaignName: string }> {
  mustStaff(ctx.actor, '发放投票码');
  const { category, count, campaign: named } = IssueCodesInput.parse(input);
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES)
    throw invalid(`数量须为 1 到 ${MAX_CODES} 之间的整数。`);
  const campaign = await namedOrCurrent(ctx.tx, ctx.actor.openId, named);
  const open = await openEvaluation(ctx.tx, campaign.id);
  if (!open)
    throw conflict(
      `议题「${campaign.name}」目前没有进行中的满意度测评。请先用 /测评 开始 开启测评，再发放投票码。`,
    );
  const codes: string[] = [];
  while (codes.length < count) {
    const code = newVotingCode();
    const inserted = await ctx.tx
      .insert(votingCodes)
      .values({
        codeHash: codeHash(normalizeCode(code)!, ctx.config.appSecretKey),
        evaluationId: open.id,
        category,
      })
      .onConflictDoNothing()
      .returning({ h: votingCodes.codeHash });
    if (inserted.length) codes.push(code);
  }
  // The audit says how many and for whom, never the codes.
  await auditBy(ctx, 'evaluation.codes_issued', { id: open.id }, { after: { category, count } });
  return { codes, evaluationName: open.name, campaignName: campaign.name };
}
