import { conflict, forbidden } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { isStaff } from '../people/read.js';
import type { Closed } from './close-vote.js';
import { latestClosed, openEvaluation, resultsOf } from './common.js';

/** The results, for staff and supervisors, and only after the close. */
export async function resultsFor(ctx: ServiceCtx): Promise<Closed> {
  if (!isStaff(ctx.actor.roles) && !ctx.actor.roles.has('supervisor'))
    throw forbidden('测评结果仅限工作人员和督导组成员查看。');
  const open = await openEvaluation(ctx.tx);
  if (open)
    throw conflict(`「${open.name}」正在进行，结束后才能查看结果（进行中只公布投票人数：发送 /测评 进度）。`);
  const e = await latestClosed(ctx.tx);
  if (!e) throw conflict('尚无已结束的满意度测评。');
  return { evaluation: e, result: resultsOf(e)! };
}
