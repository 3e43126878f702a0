import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { problems, reinspectionItems, supervisionGroups } from '../../../db/schema/index.js';
import { conflict, invalid } from '../../domain/errors.js';
import { unitsForReinspection } from '../../domain/tally.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { groupOfUnit } from '../problems/load.js';
import { auditBy, type EvaluationRow, latestClosed, resultsOf } from './common.js';
import { sendUnitCard } from './reinspection.js';

export interface StartedUnit {
  unit: string;
  dissatisfied: number;
  items: number;
  added: number;
  group: string | null;
}

export const StartReinspectionInput = z.object({
  threshold: z.number().default(1),
  campaign: z.string().optional(),
});
export type StartReinspectionInput = z.input<typeof StartReinspectionInput>;

/**
 * /回头看 开始: the units of the campaign's latest closed vote with enough 不满意 votes get their
 * closed problems IN THAT CAMPAIGN re-checked, by the group following the unit in the campaign.
 */
export async function startReinspection(
  ctx: ServiceCtx,
  input: StartReinspectionInput,
): Promise<{ evaluation: EvaluationRow; units: StartedUnit[]; threshold: number; campaign: CampaignRow }> {
  mustStaff(ctx.actor, '启动回头看');
  const { threshold, campaign: named } = StartReinspectionInput.parse(input);
  if (!Number.isInteger(threshold) || threshold < 1)
    throw invalid('阈值须为不小于 1 的整数（不满意票数），如 /回头看 开始 阈值:2');
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '开展回头看');
  const e = await latestClosed(ctx.tx, campaign.id);
  if (!e) throw conflict(`议题「${campaign.name}」尚无已结束的满意度测评，测评结束后才能启动回头看。`);
  const targets = unitsForReinspection(resultsOf(e)!, threshold);
  const out: StartedUnit[] = [];
  for (const t of targets) {
    const groupId = await groupOfUnit(ctx.tx, t.unitId, e.campaignId);
    const closed = await ctx.tx
      .select({ id: problems.id })
      .from(problems)
      .where(
        and(
          eq(problems.leadUnitId, t.unitId),
          eq(problems.campaignId, e.campaignId),
          eq(problems.state, 'closed'),
        ),
      )
      .orderBy(asc(problems.year), asc(problems.seq));
    const added = closed.length
      ? await ctx.tx
          .insert(reinspectionItems)
          .values(closed.map((p) => ({ evaluationId: e.id, problemId: p.id, unitId: t.unitId, groupId })))
          .onConflictDoNothing()
          .returning()
      : [];
    const [{ n } = { n: 0 }] = await ctx.tx
      .select({ n: sql<number>`count(*)::int` })
      .from(reinspectionItems)
      .where(and(eq(reinspectionItems.evaluationId, e.id), eq(reinspectionItems.unitId, t.unitId)));
    const group =
      groupId === null
        ? null
        : ((await ctx.tx.select().from(supervisionGroups).where(eq(supervisionGroups.id, groupId)))[0]
            ?.name ?? null);
    out.push({ unit: t.name, dissatisfied: t.counts.dissatisfied, items: n, added: added.length, group });
    if (added.length) await sendUnitCard(ctx.tx, e, t.unitId, groupId, ctx.config.adminOpenIds);
  }
  await auditBy(
    ctx,
    'reinspection.started',
    { id: e.id },
    {
      after: {
        campaign: campaign.name,
        threshold,
        units: out.map((u) => ({
          unit: u.unit,
          dissatisfied: u.dissatisfied,
          items: u.items,
          added: u.added,
        })),
      },
    },
  );
  return { evaluation: e, units: out, threshold, campaign };
}
