import { createHash } from 'node:crypto';
import { and, asc, desc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { ballotClosedCard } from '../../../cards/ballot.js';
import { resultsCard } from '../../../cards/evaluation.js';
import { ballotPool, ballotReceipts, evaluations, voters, votingCodes } from '../../../db/schema/index.js';
import { canonical } from '../../audit/chain.js';
import type { Config } from '../../config.js';
import type { Conn, Db, Tx } from '../../db.js';
import { formatDateCn, formatInstantCn, todayIn } from '../../domain/dates.js';
import { conflict, forbidden, invalid } from '../../domain/errors.js';
import { type TallyResult, tallyPool, VOTER_CATEGORIES } from '../../domain/tally.js';
import type { Logger } from '../../log.js';
import { enqueue } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { isStaff } from '../people/read.js';
import { ballotPurpose, sendBallots } from './ballot.js';
import {
  auditEval,
  type EvalActor,
  type EvaluationRow,
  evaluatedUnitRows,
  latestClosed,
  lockVotes,
  mustStaff,
  openEvaluation,
  refreshCards,
  resultsOf,
  staffAndSupervisors,
  unitsOfEvaluation,
} from './common.js';

/** 满意度测评: open over the evaluated units, turnout while open, close (tally + delete the pool), publish. */

export async function openVote(
  ctx: ServiceCtx,
  o: { closesAt?: Date },
): Promise<{ evaluation: EvaluationRow; ballots: number; units: string[] }> {
  mustStaff(ctx.actor, '开始满意度测评');
  await lockVotes(ctx.tx);
  const open = await openEvaluation(ctx.tx);
  if (open) throw conflict(`满意度测评「${open.name}」正在进行，不能同时开始另一次测评。`);
  const units = await evaluatedUnitRows(ctx.tx);
  if (!units.length)
    throw invalid('尚未设置评议对象。请先用 /评议对象 设置 <单位>,<单位>… 或 /评议对象 前N 确定评议对象。');
  if (o.closesAt && o.closesAt.getTime() <= ctx.now.getTime())
    throw invalid(`截止时间 ${formatInstantCn(o.closesAt, ctx.config.timezone)} 已过，请重新填写。`);
  const name = `满意度测评（${formatDateCn(todayIn(ctx.now, ctx.config.timezone))}）`;
  const [e] = await ctx.tx
    .insert(evaluations)
    .values({
      name,
      status: 'open',
      unitIds: units.map((u) => u.id),
      closesAt: o.closesAt ?? null,
      openedBy: ctx.actor.openId,
      openedAt: ctx.now,
    })
    .returning();
  const roll = await ctx.tx.select({ openId: voters.openId }).from(voters);
  const ballots = await sendBallots(
    ctx.tx,
    e!,
    roll.map((r) => r.openId),
    ctx.config.timezone,
  );
  await auditEval(
    ctx.tx,
    ctx.now,
    ctx.actor,
    'evaluation.opened',
    { id: e!.id },
    {
      after: {
        name,
        units: units.map((u) => u.name),
        closesAt: o.closesAt?.toISOString() ?? null,
        roll: roll.length,
      },
    },
  );
  return { evaluation: e!, ballots, units: units.map((u) => u.name) };
}

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

export async function currentTurnout(ctx: ServiceCtx): Promise<Turnout> {
  mustStaff(ctx.actor, '查看测评进度');
  const e = await openEvaluation(ctx.tx);
  if (!e) throw conflict('目前没有进行中的满意度测评。');
  return turnout(ctx.tx, e);
}

/**
 * The close: one transaction locks the vote (waiting for votes in flight), tallies the pool into
 * evaluations.results and DELETES the pool. After it commits, no row, row order or xmin ties a
 * choice to a ballot_receipts row: the results row is written by this transaction alone.
 */
export async function closeVote(
  tx: Tx,
  o: { evaluationId?: number; now: Date; config: Config; actor: EvalActor },
): Promise<{ evaluation: EvaluationRow; result: TallyResult }> {
  const [e] = await tx
    .select()
    .from(evaluations)
    .where(o.evaluationId === undefined ? eq(evaluations.status, 'open') : eq(evaluations.id, o.evaluationId))
    .orderBy(desc(evaluations.id))
    .limit(1)
    .for('update');
  if (e?.status !== 'open') throw conflict('目前没有进行中的满意度测评。');
  const pool = await tx
    .select({ category: ballotPool.category, unitId: ballotPool.unitId, choice: ballotPool.choice })
    .from(ballotPool)
    .where(eq(ballotPool.evaluationId, e.id));
  const result = tallyPool(await unitsOfEvaluation(tx, e), pool);
  const [closed] = await tx
    .update(evaluations)
    .set({ status: 'closed', closedAt: o.now, results: result })
    .where(and(eq(evaluations.id, e.id), eq(evaluations.status, 'open')))
    .returning();
  await tx.delete(ballotPool).where(eq(ballotPool.evaluationId, e.id));
  await auditEval(
    tx,
    o.now,
    o.actor,
    'evaluation.closed',
    { id: e.id },
    {
      // The results' hash in the chain: a later edit of evaluations.results would show.
      after: {
        voters: result.voters,
        resultsSha256: createHash('sha256').update(canonical(result)).digest('hex'),
      },
    },
  );
  const view = { evaluation: closed!, result, timezone: o.config.timezone };
  const to = await staffAndSupervisors(tx, o.config);
  await enqueue(
    tx,
    to.map((id) => ({
      msgType: 'interactive' as const,
      content: resultsCard(view),
      purpose: 'evaluation_results',
      to: { type: 'open_id' as const, id },
    })),
  );
  await refreshCards(tx, ballotPurpose(e.id), ballotClosedCard(e.name), o.now);
  return { evaluation: closed!, result };
}

export async function closeVoteBy(
  ctx: ServiceCtx,
): Promise<{ evaluation: EvaluationRow; result: TallyResult }> {
  mustStaff(ctx.actor, '结束满意度测评');
  return closeVote(ctx.tx, { now: ctx.now, config: ctx.config, actor: ctx.actor });
}

/** The job: votes past their closing time are closed, each in its own transaction. */
export async function closeDueVotes(
  deps: { db: Db; config: Config; log: Logger },
  at: Date,
): Promise<{ closed: number }> {
  const due = await deps.db
    .select({ id: evaluations.id })
    .from(evaluations)
    .where(
      and(eq(evaluations.status, 'open'), isNotNull(evaluations.closesAt), lte(evaluations.closesAt, at)),
    )
    .orderBy(asc(evaluations.id));
  let closed = 0;
  for (const d of due) {
    try {
      await deps.db.transaction((tx) =>
        closeVote(tx, {
          evaluationId: d.id,
          now: at,
          config: deps.config,
          actor: { openId: null, name: '系统（截止时间已到）' },
        }),
      );
      closed++;
    } catch (e) {
      // Closed meanwhile by staff: nothing to do.
      deps.log.info({ action: 'job:evaluation', evaluationId: d.id, err: e }, 'not closed');
    }
  }
  return { closed };
}

/** /测评 公布: the results become public (GET /public shows published votes only). */
export async function publishResults(ctx: ServiceCtx): Promise<EvaluationRow> {
  mustStaff(ctx.actor, '公布测评结果');
  const e = await latestClosed(ctx.tx);
  if (!e) {
    const open = await openEvaluation(ctx.tx);
    throw conflict(open ? `「${open.name}」尚在进行，结束后才能公布结果。` : '尚无已结束的满意度测评。');
  }
  if (e.status === 'published')
    throw conflict(`「${e.name}」的结果已于 ${formatInstantCn(e.publishedAt!, ctx.config.timezone)} 公布。`);
  const [p] = await ctx.tx
    .update(evaluations)
    .set({ status: 'published', publishedAt: ctx.now })
    .where(and(eq(evaluations.id, e.id), eq(evaluations.status, 'closed')))
    .returning();
  if (!p) throw conflict('结果已由他人公布。');
  await auditEval(ctx.tx, ctx.now, ctx.actor, 'evaluation.published', { id: e.id });
  return p;
}

/** The results, for staff and supervisors, and only after the close. */
export async function resultsFor(
  ctx: ServiceCtx,
): Promise<{ evaluation: EvaluationRow; result: TallyResult }> {
  if (!isStaff(ctx.actor.roles) && !ctx.actor.roles.has('supervisor'))
    throw forbidden('测评结果仅限工作人员和督导组成员查看。');
  const open = await openEvaluation(ctx.tx);
  if (open)
    throw conflict(`「${open.name}」正在进行，结束后才能查看结果（进行中只公布投票人数：发送 /测评 进度）。`);
  const e = await latestClosed(ctx.tx);
  if (!e) throw conflict('尚无已结束的满意度测评。');
  return { evaluation: e, result: resultsOf(e)! };
}
