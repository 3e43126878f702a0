import { eq, sql } from 'drizzle-orm';
import { ballotReceipts, voters, votingCodes } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { conflict } from '../../domain/errors.js';
import { VOTER_CATEGORIES } from '../../domain/tally.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { namedOrCurrent } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { type EvaluationRow, openEvaluation } from './common.js';

export interface Turnout {
  evaluation: EvaluationRow;
  byCategory: { category: string; roll: number; voted: number; codesIssued: number; codesUsed: number }[];
  roll: number;
  voted: number;
  codesIssued: number;
  codesUsed: number;
}

/**
 * Who has voted, per category: chat voters from receipts, code voters from used codes. Never a
 * running tally — comparing tallies before and after a click would reveal the choice.
 */
export async function turnout(conn: Conn, e: EvaluationRow): Promise<Turnout> {
  const roll = await conn
    .select({ category: voters.category, n: sql<number>`count(*)::int` })
    .from(voters)
    .groupBy(voters.category);
  const voted = await conn
    .select({ category: voters.category, n: sql<number>`count(*)::int` })
    .from(ballotReceipts)
    .innerJoin(voters, eq(voters.id, ballotReceipts.voterId))
    .where(eq(ballotReceipts.evaluationId, e.id))
    .groupBy(voters.category);
  const codes = await conn
    .select({ category: votingCodes.category, used: votingCodes.used, n: sql<number>`count(*)::int` })
    .from(votingCodes)
    .where(eq(votingCodes.evaluationId, e.id))
    .groupBy(votingCodes.category, votingCodes.used);
  const of = (rows: { category: string; n: number }[], c: string) =>
    rows.find((r) => r.category === c)?.n ?? 0;
  const byCategory = VOTER_CATEGORIES.map((category) => ({
    category,
    roll: of(roll, category),
    voted: of(voted, category),
    codesIssued: codes.filter((x) => x.category === category).reduce((s, x) => s + x.n, 0),
    codesUsed: codes.filter((x) => x.category === category && x.used).reduce((s, x) => s + x.n, 0),
  }));
  const sum = (k: keyof (typeof byCategory)[number]) => byCategory.reduce((s, x) => s + (x[k] as number), 0);
  return {
    evaluation: e,
    byCategory,
    roll: sum('roll'),
    voted: sum('voted'),
    codesIssued: sum('codesIssued'),
    codesUsed: sum('codesUsed'),
  };
}

/** /测评 进度: the turnout of the campaign's open vote, for staff. */
export async function currentTurnout(
  ctx: ServiceCtx,
  named?: string,
): Promise<Turnout & { campaign: CampaignRow }> {
  mustStaff(ctx.actor, '查看测评进度');
  const campaign = await namedOrCurrent(ctx.tx, ctx.actor.openId, named);
  const e = await openEvaluation(ctx.tx, campaign.id);
  if (!e) throw conflict(`议题「${campaign.name}」目前没有进行中的满意度测评。`);
  return { ...(await turnout(ctx.tx, e)), campaign };
}
