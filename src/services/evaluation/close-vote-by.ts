import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { type Closed, closeVote } from './close-vote.js';

/** /测评 结束: staff close the open vote before its closing time. */
export async function closeVoteBy(ctx: ServiceCtx): Promise<Closed> {
  mustStaff(ctx.actor, '结束满意度测评');
  return closeVote(ctx.tx, { now: ctx.now, config: ctx.config, actor: ctx.actor });
}
