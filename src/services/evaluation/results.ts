import { conflict, forbidden } from '../../domain/errors.js';
import type { CampaignRow } from '../campaigns/read.js';
import { namedOrCurrent } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { isStaff } from '../people/read.js';
import type { Closed } from './close-vote.js';
import { latestClosed, openEvaluation, resultsOf } from './common.js';

/**
 * The results of the campaign's latest closed vote, for staff and supervisors, and only after the
 * close. Archived campaigns' results stay readable.
 */
export async function resultsFor(
  ctx: ServiceCtx,
  named?: string,
): Promise<Closed & { campaign: CampaignRow }> {
  if (!isStaff(ctx.actor.roles) && !ctx.actor.roles.has('supervisor'))
    throw forbidden('测评结果仅限工作人员和督导组成员查看。');
  const campaign = await namedOrCurrent(ctx.tx, ctx.actor.openId, named);
  const open = await openEvaluation(ctx.tx, campaign.id);
  if (open)
    throw conflict(
      `议题「${campaign.name}」的「${open.name}」正在进行，结束后才能查看结果（进行中只公布投票人数：发送 /测评 进度）。`,
    );
  const e = await latestClosed(ctx.tx, campaign.id);
  if (!e) throw conflict(`议题「${campaign.name}」尚无已结束的满意度测评。`);
  return { evaluation: e, result: resultsOf(e)!, campaign };
}
