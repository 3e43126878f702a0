import { eq, ne } from 'drizzle-orm';
import { problemCoUnits, problems } from '../../db/schema/index.js';
import type { Conn } from '../db.js';

/** Every problem's state, category, lead unit and deadline: what the figures (domain/ranking.ts tally) count. */
export async function problemFacts(conn: Conn) {
  return conn
    .select({
      state: problems.state,
      category: problems.category,
      leadUnitId: problems.leadUnitId,
      deadline: problems.deadline,
    })
    .from(problems);
}

/** What /统计, /排名 and /评议对象 count: every problem's facts, and the units cooperating on a problem not withdrawn. */
export async function tallyFacts(ctx: { tx: Conn }) {
  const facts = await problemFacts(ctx.tx);
  const co = await ctx.tx
    .select({ unitId: problemCoUnits.unitId })
    .from(problemCoUnits)
    .innerJoin(problems, eq(problems.id, problemCoUnits.problemId))
    .where(ne(problems.state, 'withdrawn'));
  return { facts, coUnitIds: co.map((c) => c.unitId) };
}
