import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { type ReinspectionView, reinspectionCard } from '../../../cards/evaluation.js';
import {
  evaluations,
  groupMembers,
  problems,
  reinspectionItems,
  roles,
  supervisionGroups,
  units,
} from '../../../db/schema/index.js';
import type { Conn, Tx } from '../../db.js';
import { conflict, forbidden, invalid, notFound } from '../../domain/errors.js';
import { unitsForReinspection } from '../../domain/tally.js';
import { enqueue } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { isStaff, namesOf } from '../people/read.js';
import { record } from '../problems/common.js';
import { groupOfUnit, lockProblem } from '../problems/load.js';
import { reopen } from '../problems/reopen.js';
import { auditEval, type EvaluationRow, latestClosed, mustStaff, refreshCards, resultsOf } from './common.js';

/**
 * 回头看 (docs/domain.md §5): after the vote, units with 不满意 votes (at least `threshold`) have their
 * closed problems re-checked by their supervision group: 维持销号, or 重新整改 (reopen() in
 * decisions.ts: closed → in_progress with a new deadline, the unit told, the loop runs again).
 */

export type ItemRow = typeof reinspectionItems.$inferSelect;
export const reinspectionPurpose = (evaluationId: number, unitId: number) =>
  `reinspection:${evaluationId}:${unitId}`;

export interface StartedUnit {
  unit: string;
  dissatisfied: number;
  items: number;
  added: number;
  group: string | null;
}

export async function startReinspection(
  ctx: ServiceCtx,
  threshold = 1,
): Promise<{ evaluation: EvaluationRow; units: StartedUnit[]; threshold: number }> {
  mustStaff(ctx.actor, '启动回头看');
  if (!Number.isInteger(threshold) || threshold < 1)
    throw invalid('阈值须为不小于 1 的整数（不满意票数），如 /回头看 开始 阈值:2');
  const e = await latestClosed(ctx.tx);
  if (!e) throw conflict('尚无已结束的满意度测评，测评结束后才能启动回头看。');
  const targets = unitsForReinspection(resultsOf(e)!, threshold);
  const out: StartedUnit[] = [];
  for (const t of targets) {
    const groupId = await groupOfUnit(ctx.tx, t.unitId);
    const closed = await ctx.tx
      .select({ id: problems.id })
      .from(problems)
      .where(and(eq(problems.leadUnitId, t.unitId), eq(problems.state, 'closed')))
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
  await auditEval(
    ctx.tx,
    ctx.now,
    ctx.actor,
    'reinspection.started',
    { id: e.id },
    {
      after: {
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
  return { evaluation: e, units: out, threshold };
}

/** The deciders of a unit's items: its group's supervisors; staff when the unit has no group. */
async function decidersOf(
  conn: Conn,
  groupId: number | null,
  adminOpenIds: readonly string[],
): Promise<string[]> {
  if (groupId === null) {
    const staff = await conn
      .select({ openId: roles.openId })
      .from(roles)
      .where(inArray(roles.role, ['staff', 'admin']));
    return [...new Set([...staff.map((s) => s.openId), ...adminOpenIds])];
  }
  const sup = new Set(
    (await conn.select({ openId: roles.openId }).from(roles).where(eq(roles.role, 'supervisor'))).map(
      (r) => r.openId,
    ),
  );
  const members = await conn
    .select({ openId: groupMembers.openId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId));
  return members.map((m) => m.openId).filter((m) => sup.has(m));
}

export async function unitView(
  conn: Conn,
  e: EvaluationRow,
  unitId: number,
  formFor?: number,
): Promise<ReinspectionView> {
  const rows = await conn
    .select({ item: reinspectionItems, code: problems.code, title: problems.title })
    .from(reinspectionItems)
    .innerJoin(problems, eq(problems.id, reinspectionItems.problemId))
    .where(and(eq(reinspectionItems.evaluationId, e.id), eq(reinspectionItems.unitId, unitId)))
    .orderBy(asc(problems.year), asc(problems.seq));
  const names = await namesOf(
    conn,
    rows.map((r) => r.item.decidedBy).filter((x): x is string => !!x),
  );
  const [u] = await conn.select({ name: units.name }).from(units).where(eq(units.id, unitId));
  const groupId = rows[0]?.item.groupId ?? null;
  const [g] =
    groupId === null
      ? []
      : await conn
          .select({ name: supervisionGroups.name })
          .from(supervisionGroups)
          .where(eq(supervisionGroups.id, groupId));
  const result = resultsOf(e);
  return {
    evaluationName: e.name,
    unitName: u?.name ?? `单位#${unitId}`,
    groupName: g?.name ?? null,
    dissatisfied: result?.units.find((x) => x.unitId === unitId)?.counts.dissatisfied ?? 0,
    items: rows.map((r) => ({
      id: r.item.id,
      code: r.code,
      title: r.title,
      status: r.item.status as 'pending' | 'confirmed' | 'reopened',
      decidedByName: r.item.decidedBy ? (names.get(r.item.decidedBy) ?? null) : null,
      newDeadline: r.item.newDeadline,
    })),
    ...(formFor !== undefined ? { formFor } : {}),
  };
}

async function sendUnitCard(
  tx: Tx,
  e: EvaluationRow,
  unitId: number,
  groupId: number | null,
  adminOpenIds: readonly string[],
) {
  const c = reinspectionCard(await unitView(tx, e, unitId));
  const to = await decidersOf(tx, groupId, adminOpenIds);
  await enqueue(
    tx,
    to.map((id) => ({
      msgType: 'interactive' as const,
      content: c,
      purpose: reinspectionPurpose(e.id, unitId),
      audience: id,
      to: { type: 'open_id' as const, id },
    })),
  );
}

async function loadItem(
  conn: Conn,
  itemId: number,
  lock = false,
): Promise<{ item: ItemRow; evaluation: EvaluationRow }> {
  const q = conn.select().from(reinspectionItems).where(eq(reinspectionItems.id, itemId));
  const [item] = lock ? await q.for('update') : await q;
  if (!item) throw notFound('未找到该回头看事项。');
  const [evaluation] = await conn.select().from(evaluations).where(eq(evaluations.id, item.evaluationId));
  return { item, evaluation: evaluation! };
}

/** Only that unit's group's supervisors (or staff) decide; a unit without a group: staff. */
async function mustDecide(ctx: ServiceCtx, item: ItemRow) {
  if (isStaff(ctx.actor.roles)) return;
  if (item.groupId !== null && ctx.actor.roles.has('supervisor')) {
    const [m] = await ctx.tx
      .select()
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, item.groupId), eq(groupMembers.openId, ctx.actor.openId)));
    if (m) return;
  }
  throw forbidden('只有负责该单位的督导组成员或工作人员可以处理回头看事项。');
}

function mustBePending(item: ItemRow, code: string) {
  if (item.status !== 'pending')
    throw conflict(
      `${code} 的回头看已处理（${item.status === 'confirmed' ? '维持销号' : '重新整改'}），无需重复操作。`,
    );
}

export interface Decided {
  message: string;
  evaluation: EvaluationRow;
  unitId: number;
}

/** 维持销号: the close-out stands; recorded on the problem and in the audit trail. */
export async function confirmItem(
  ctx: ServiceCtx,
  itemId: number,
  clickedMessageId?: string,
): Promise<Decided> {
  const { item, evaluation } = await loadItem(ctx.tx, itemId, true);
  await mustDecide(ctx, item);
  const p = await lockProblem(ctx.tx, item.problemId);
  mustBePending(item, p.code);
  if (p.state !== 'closed') throw conflict(`${p.code} 当前不是已销号状态，无法维持销号。`);
  await ctx.tx
    .update(reinspectionItems)
    .set({ status: 'confirmed', decidedBy: ctx.actor.openId, decidedAt: ctx.now })
    .where(and(eq(reinspectionItems.id, item.id), eq(reinspectionItems.status, 'pending')));
  await record(ctx, p, 'reinspection_confirmed', {
    text: '整改到位，维持销号',
    after: { reinspection: 'confirmed', evaluationId: evaluation.id },
  });
  await refreshUnitCards(ctx.tx, evaluation, item.unitId, ctx.now, clickedMessageId);
  return { message: `已确认 ${p.code} 维持销号。`, evaluation, unitId: item.unitId };
}

/** 重新整改: reopen() with a new deadline and reason; the unit is told and works on it again. */
export async function reopenItem(
  ctx: ServiceCtx,
  itemId: number,
  input: { deadline: unknown; reason: unknown },
  clickedMessageId?: string,
): Promise<Decided> {
  const { item, evaluation } = await loadItem(ctx.tx, itemId, true);
  await mustDecide(ctx, item);
  const p = await lockProblem(ctx.tx, item.problemId);
  mustBePending(item, p.code);
  // A closed problem keeps the group that closed it; reopened, it follows its unit's group now
  // (as open problems do, groups.ts), so that group's supervisors decide it from here on.
  if (item.groupId !== null && p.groupId !== item.groupId) {
    await ctx.tx.update(problems).set({ groupId: item.groupId }).where(eq(problems.id, p.id));
  }
  const r = await reopen(ctx, p.id, input);
  await ctx.tx
    .update(reinspectionItems)
    .set({
      status: 'reopened',
      decidedBy: ctx.actor.openId,
      decidedAt: ctx.now,
      newDeadline: r.problem.deadline,
      reason: String(input.reason ?? '').trim(),
    })
    .where(and(eq(reinspectionItems.id, item.id), eq(reinspectionItems.status, 'pending')));
  await auditEval(
    ctx.tx,
    ctx.now,
    ctx.actor,
    'reinspection.reopened',
    { type: 'problem', id: p.code },
    { after: { evaluationId: evaluation.id, deadline: r.problem.deadline } },
  );
  await refreshUnitCards(ctx.tx, evaluation, item.unitId, ctx.now, clickedMessageId);
  return { message: r.message, evaluation, unitId: item.unitId };
}

/** The 重新整改 form, opened in the clicker's card (authority checked now, and again on submit). */
export async function reopenFormView(ctx: ServiceCtx, itemId: number): Promise<ReinspectionView> {
  const { item, evaluation } = await loadItem(ctx.tx, itemId);
  await mustDecide(ctx, item);
  const [p] = await ctx.tx
    .select({ code: problems.code })
    .from(problems)
    .where(eq(problems.id, item.problemId));
  mustBePending(item, p?.code ?? '');
  return unitView(ctx.tx, evaluation, item.unitId, item.id);
}

async function refreshUnitCards(tx: Tx, e: EvaluationRow, unitId: number, now: Date, except?: string) {
  await refreshCards(
    tx,
    reinspectionPurpose(e.id, unitId),
    reinspectionCard(await unitView(tx, e, unitId)),
    now,
    except,
  );
}

export interface UnitProgress {
  evaluationId: number;
  evaluationName: string;
  unit: string;
  total: number;
  confirmed: number;
  reopened: number;
  pending: number;
}

/** /回头看 进度: decided / total per unit, newest round first. */
export async function reinspectionProgress(conn: Conn, unitIds?: number[]): Promise<UnitProgress[]> {
  if (unitIds && !unitIds.length) return [];
  const rows = await conn
    .select({
      evaluationId: reinspectionItems.evaluationId,
      evaluationName: evaluations.name,
      unit: units.name,
      status: reinspectionItems.status,
      n: sql<number>`count(*)::int`,
    })
    .from(reinspectionItems)
    .innerJoin(units, eq(units.id, reinspectionItems.unitId))
    .innerJoin(evaluations, eq(evaluations.id, reinspectionItems.evaluationId))
    .where(unitIds ? inArray(reinspectionItems.unitId, unitIds) : undefined)
    .groupBy(reinspectionItems.evaluationId, evaluations.name, units.name, reinspectionItems.status);
  const by = new Map<string, UnitProgress>();
  for (const r of rows) {
    const key = `${r.evaluationId}:${r.unit}`;
    const p = by.get(key) ?? {
      evaluationId: r.evaluationId,
      evaluationName: r.evaluationName,
      unit: r.unit,
      total: 0,
      confirmed: 0,
      reopened: 0,
      pending: 0,
    };
    p.total += r.n;
    if (r.status === 'confirmed') p.confirmed += r.n;
    else if (r.status === 'reopened') p.reopened += r.n;
    else p.pending += r.n;
    by.set(key, p);
  }
  return [...by.values()].sort(
    (a, b) => b.evaluationId - a.evaluationId || a.unit.localeCompare(b.unit, 'zh'),
  );
}

/** The digest line 「回头看：已核查 x/y」, while any item of a round in scope is still pending. */
export async function reinspectionDigest(
  conn: Conn,
  unitIds?: number[],
): Promise<{ decided: number; total: number } | undefined> {
  const rounds = await reinspectionProgress(conn, unitIds);
  const active = new Set(rounds.filter((r) => r.pending > 0).map((r) => r.evaluationId));
  const inScope = rounds.filter((r) => active.has(r.evaluationId));
  if (!inScope.length) return undefined;
  const total = inScope.reduce((s, r) => s + r.total, 0);
  const pending = inScope.reduce((s, r) => s + r.pending, 0);
  return { decided: total - pending, total };
}
