import { conflict } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { namedOrCurrent } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { type Closed, closeVote } from './close-vote.js';
import { openEvaluation } from './common.js';

/** /测评 结束: staff close the campaign's open vote before its closing time. */
export async function closeVoteBy(
  ctx: ServiceCtx,
  named?: string,
): Promise<Closed & { campaign: CampaignRow }> {
  mustStaff(ctx.actor, '结束满意度测评');
  const campaign = await namedOrCurrent(ctx.tx, ctx.actor.openId, named);
  const open = await openEvaluation(ctx.tx, campaign.id);
  if (!open) throw conflict(`议题「${campaign.name}」目前没有进行中的满意度测评。`);
  // By id: closeVote locks the row and checks it is still open (two clicks cannot both close it).
  const r = await closeVote(ctx.tx, {
    evaluationId: open.id,
    now: ctx.now,
    config: ctx.config,
    actor: ctx.actor,
  });
  return { ...r, campaign };
}
