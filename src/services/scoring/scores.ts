import { rankUnits, type ScoresView, type UnitFacts } from '../../domain/scoring.js';
import { mustStaffOrSupervisor } from '../auth.js';
import { type CampaignRow, campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { campaignProblems } from '../documents/problem-set.js';
import { loadScoringFacts } from '../documents/scoring-facts.js';
import { satisfactionCounts } from '../revisits/rates.js';
import { voteRates } from './vote-rates.js';
import { scoringOptions, weightsOf } from './weights.js';

/** The facts behind one campaign's scores: problems, 回访 counts (and the vote result where 回访 is absent). */
export async function campaignFacts(ctx: ServiceCtx, campaign: CampaignRow): Promise<UnitFacts[]> {
  const set = campaignProblems(campaign.id);
  const { byUnit } = await satisfactionCounts(ctx.tx, set);
  const voteRate = await voteRates(ctx.tx, campaign.id);
  return loadScoringFacts(ctx.tx, {
    timezone: ctx.config.timezone,
    problemSet: set,
    satisfaction: byUnit,
    voteRate,
  });
}

/** `/考核`: every unit's score in a campaign (the asker's current one, or the one named), ranked. */
export async function campaignScores(ctx: ServiceCtx, named?: string): Promise<ScoresView> {
  mustStaffOrSupervisor(ctx.actor, '/考核');
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, named);
  return scoresOf(ctx, campaign);
}

export async function scoresOf(ctx: ServiceCtx, campaign: CampaignRow): Promise<ScoresView> {
  const { weights, custom } = weightsOf(campaign);
  const o = scoringOptions(ctx);
  const facts = await campaignFacts(ctx, campaign);
  return {
    campaign: campaign.name,
    today: o.today,
    weights,
    custom,
    ackWithinWorkdays: o.ackWithinWorkdays,
    scores: rankUnits(facts, weights, o),
  };
}
