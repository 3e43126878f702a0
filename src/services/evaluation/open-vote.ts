import { z } from 'zod';
import { evaluations, voters } from '../../../db/schema/index.js';
import { formatDateCn, formatInstantCn, todayIn } from '../../domain/dates.js';
import { conflict, invalid } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { sendBallots } from './ballot.js';
import { auditBy, type EvaluationRow, evaluatedUnitRows, lockVotes, openEvaluation } from './common.js';

export const OpenVoteInput = z.object({ closesAt: z.date().optional(), campaign: z.string().optional() });
export type OpenVoteInput = z.input<typeof OpenVoteInput>;

/**
 * /测评 开始: a vote of the campaign over its evaluated units opens; everyone on the roll gets a
 * ballot card. At most one vote is open per campaign; votes of other campaigns may run meanwhile.
 */
export async function openVote(
  ctx: ServiceCtx,
  input: OpenVoteInput,
): Promise<{ evaluation: EvaluationRow; ballots: number; units: string[]; campaign: CampaignRow }> {
  mustStaff(ctx.actor, '开始满意度测评');
  const o = OpenVoteInput.parse(input);
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, o.campaign, '开始满意度测评');
  await lockVotes(ctx.tx);
  const open = await openEvaluation(ctx.tx, campaign.id);
  if (open)
    throw conflict(`议题「${campaign.name}」的满意度测评「${open.name}」正在进行，不能同时开始另一次测评。`);
  const units = await evaluatedUnitRows(ctx.tx, campaign.id);
  if (!units.length)
    throw invalid(
      `议题「${campaign.name}」尚未设置评议对象。请先用 /评议对象 设置 <单位>,<单位>… 或 /评议对象 前N 确定评议对象。`,
    );
  if (o.closesAt && o.closesAt.getTime() <= ctx.now.getTime())
    throw invalid(`截止时间 ${formatInstantCn(o.closesAt, ctx.config.timezone)} 已过，请重新填写。`);
  const name = `满意度测评（${formatDateCn(todayIn(ctx.now, ctx.config.timezone))}）`;
  const [e] = await ctx.tx
    .insert(evaluations)
    .values({
      campaignId: campaign.id,
      name,
      status: 'open',
      unitIds: units.map((u) => u.id),
      closesAt: o.closesAt ?? null,
      openedBy: ctx.actor.openId,
      openedAt: ctx.now,
    })
    .returning();
  if (!e) throw new Error('evaluations insert returned no row');
  const roll = await ctx.tx.select({ openId: voters.openId }).from(voters);
  const ballots = await sendBallots(
    ctx.tx,
    e,
    roll.map((r) => r.openId),
    ctx.config.timezone,
  );
  await auditBy(
    ctx,
    'evaluation.opened',
    { id: e.id },
    {
      after: {
        campaign: campaign.name,
        name,
        units: units.map((u) => u.name),
        closesAt: o.closesAt?.toISOString() ?? null,
        roll: roll.length,
      },
    },
  );
  return { evaluation: e, ballots, units: units.map((u) => u.name), campaign };
}
