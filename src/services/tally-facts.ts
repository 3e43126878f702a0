import { and, eq, ne } from 'drizzle-orm';
import { problemCoUnits, problems } from '../../db/schema/index.js';
import type { Conn } from '../db.js';

/**
 * Every problem's state, category, lead unit and deadline: what the figures (domain/ranking.ts
 * tally) count. With `campaignId`, that campaign's problems only.
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
    .where(campaignId === undefined ? undefined : eq(problems.campaignId, campaignId));
}

/**
 * What /统计, /排名 and /评议对象 count: every problem's facts, and the units cooperating on a
 * problem not withdrawn. With `campaignId` (/评议对象 前N of one campaign), that campaign's only.
 */
export async function tallyFacts(ctx: { tx: Conn }, campaignId?: number) {
  const facts = await problemFacts(ctx.tx, campaignId);
  const co = await ctx.tx
    .select({ unitId: problemCoUnits.unitId })
    .from(problemCoUnits)
    .innerJoin(problems, eq(problems.id, problemCoUnits.problemId))
    .where(
      and(
        ne(problems.state, 'withdrawn'),
        campaignId === undefined ? undefined : eq(problems.campaignId, campaignId),
      ),
    );
  return { facts, coUnitIds: co.map((c) => c.unitId) };
}
