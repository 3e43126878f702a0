import { and, eq } from 'drizzle-orm';
import { evaluations } from '../../../db/schema/index.js';
import { formatInstantCn } from '../../domain/dates.js';
import { conflict } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { namedOrCurrent } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { auditBy, type EvaluationRow, latestClosed, openEvaluation } from './common.js';

/**
 * /测评 公布: the results of the campaign's latest closed vote become public (GET /public shows
 * published votes only).
 */
export async function publishResults(
  ctx: ServiceCtx,
  named?: string,
): Promise<{ evaluation: EvaluationRow; campaign: CampaignRow }> {
  mustStaff(ctx.actor, '公布测评结果');
  const campaign = await namedOrCurrent(ctx.tx, ctx.actor.openId, named);
  const e = await latestClosed(ctx.tx, campaign.id);
  if (!e) {
    const open = await openEvaluation(ctx.tx, campaign.id);
    throw conflict(
      open
        ? `议题「${campaign.name}」的「${open.name}」尚在进行，结束后才能公布结果。`
        : `议题「${campaign.name}」尚无已结束的满意度测评。`,
    );
  }
  if (e.status === 'published')
    throw conflict(`「${e.name}」的结果已于 ${formatInstantCn(e.publishedAt!, ctx.config.timezone)} 公布。`);
  const [p] = await ctx.tx
    .update(evaluations)
    .set({ status: 'published', publishedAt: ctx.now })
    .where(and(eq(evaluations.id, e.id), eq(evaluations.status, 'closed')))
    .returning();
  if (!p) throw conflict('结果已由他人公布。');
  await auditBy(ctx, 'evaluation.published', { id: e.id });
  return { evaluation: p, campaign };
}
