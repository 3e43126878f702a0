import { eq } from 'drizzle-orm';
import { evaluatedUnits, groupUnits, supervisionGroups } from '../../../db/schema/index.js';
import { todayIn } from '../../domain/dates.js';
import { conflict } from '../../domain/errors.js';
import { type Ranked, rankUnits, tally, type UnitTally } from '../../domain/ranking.js';
import type { CampaignRow } from '../campaigns/read.js';
import { namedOrCurrent } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { tallyFacts } from '../queries.js';
import { allUnits, type UnitRow } from '../units/read.js';
import { openEvaluation } from './common.js';

/**
 * 评议对象 (docs/domain.md §3): the units under evaluation in a campaign, chosen by staff from the
 * /排名 ranking of that campaign's problems (problems led; cooperating counted apart; equal counts
 * share a rank). Each follows a supervision group of the campaign; all other units go to a
 * catch-all group.
 */

/** The ranking /排名 shows, over the campaign's problems only. */
export async function unitRanking(ctx: ServiceCtx, campaign: CampaignRow): Promise<Ranked<UnitTally>[]> {
  const { facts, coUnitIds } = await tallyFacts(ctx, campaign.id);
  const t = tally(facts, coUnitIds, await allUnits(ctx.tx), todayIn(ctx.now, ctx.config.timezone));
  return rankUnits(t.units.filter((u) => u.led > 0));
}

export async function mustNotBeVoting(ctx: ServiceCtx, campaign: CampaignRow) {
  const open = await openEvaluation(ctx.tx, campaign.id);
  if (open)
    throw conflict(`议题「${campaign.name}」的满意度测评「${open.name}」正在进行，结束后才能修改评议对象。`);
}

export interface EvaluatedListing {
  campaign: CampaignRow;
  units: { unit: UnitRow; group: string | null; led: number; rank: number | null }[];
  /** Units neither evaluated nor followed by a group of the campaign. */
  ungrouped: string[];
}

export async function listEvaluated(ctx: ServiceCtx, named?: string): Promise<EvaluatedListing> {
  const campaign = await namedOrCurrent(ctx.tx, ctx.actor.openId, named);
  const chosen = new Set(
    (await ctx.tx.select().from(evaluatedUnits).where(eq(evaluatedUnits.campaignId, campaign.id))).map(
      (e) => e.unitId,
    ),
  );
  const all = await allUnits(ctx.tx);
  const links = await ctx.tx
    .select({ unitId: groupUnits.unitId, name: supervisionGroups.name })
    .from(groupUnits)
    .innerJoin(supervisionGroups, eq(supervisionGroups.id, groupUnits.groupId))
    .where(eq(groupUnits.campaignId, campaign.id));
  const groupOf = new Map(links.map((l) => [l.unitId, l.name]));
  const ranked = await unitRanking(ctx, campaign);
  const rankOf = new Map(ranked.map((r) => [r.item.unitId, r]));
  return {
    campaign,
    units: all
      .filter((u) => chosen.has(u.id))
      .map((u) => ({
        unit: u,
        group: groupOf.get(u.id) ?? null,
        led: rankOf.get(u.id)?.item.led ?? 0,
        rank: rankOf.get(u.id)?.rank ?? null,
      }))
      .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.unit.name.localeCompare(b.unit.name, 'zh')),
    ungrouped: all.filter((u) => !chosen.has(u.id) && !groupOf.has(u.id)).map((u) => u.name),
  };
}
