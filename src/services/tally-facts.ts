import { and, eq, ne } from 'drizzle-orm';
import { problemCoUnits, problems } from '../../db/schema/index.js';
import type { Conn } from '../db.js';

const inCampaign = (campaignId?: number) =>
  campaignId === undefined ? undefined : eq(problems.campaignId, campaignId);

/**
 * Each problem's state, category, lead unit and deadline: what the figures (domain/ranking.ts
 * tally) count; one campaign's when given, else the whole deployment's.
 */
export async function problemFacts(conn: Conn, campaignId?: number) {
  return conn
    .select({
      state: problems.state,
      category: problems.category,
      leadUnitId: problems.leadUnitId,
      deadline: problems.deadline,
    })
    .from(problems)
    .where(inCampaign(campaignId));
}

/** What /统计, /排名 and /评议对象 count: the problems' facts, and the units cooperating on a problem not withdrawn. */
export async function tallyFacts(ctx: { tx: Conn }, campaignId?: number) {
  const facts = await problemFacts(ctx.tx, campaignId);
  const co = await ctx.tx
    .select({ unitId: problemCoUnits.unitId })
    .from(problemCoUnits)
    .innerJoin(problems, eq(problems.id, problemCoUnits.problemId))
    .where(and(ne(problems.state, 'withdrawn'), inCampaign(campaignId)));
  return { facts, coUnitIds: co.map((c) => c.unitId) };
}
