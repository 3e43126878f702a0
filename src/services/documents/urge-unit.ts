import { z } from 'zod';
import { mustStaff } from '../auth.js';
import { campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { resolveUnit } from '../units/read.js';
import type { Issued, IssueRequest } from './issue.js';
import { campaignProblems } from './problem-set.js';
import { issueUrge } from './urge.js';

export const UrgeUnitInput = z.object({
  unit: z.string().refine((u) => u.trim().length > 0, '格式：/催办 <单位> [议题:名称]，如 /催办 市人社局'),
  campaign: z.string().optional(),
});
export type UrgeUnitInput = z.input<typeof UrgeUnitInput>;

/** `/催办 <单位>`: a 催办通知书 on demand, listing the unit's overdue problems in the campaign. */
export async function urgeUnit(
  ctx: ServiceCtx,
  raw: UrgeUnitInput,
  to: IssueRequest['to'],
): Promise<Issued & { unit: string }> {
  const input = parseInput(UrgeUnitInput, raw);
  mustStaff(ctx.actor, '制发催办通知书');
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, input.campaign);
  const unit = await resolveUnit(ctx.tx, input.unit);
  const issued = await issueUrge(ctx, unit, to, campaignProblems(campaign.id));
  return { ...issued, unit: unit.name };
}
