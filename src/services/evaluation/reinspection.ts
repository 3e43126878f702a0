import { and, asc, eq, inArray } from 'drizzle-orm';
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
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import { enqueue } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { isStaff, namesOf } from '../people/read.js';
import { lockProblem } from '../problems/load.js';
import { campaignNameOf, type EvaluationRow, refreshCards, resultsOf } from './common.js';

/**
 * 回头看 (docs/domain.md §5): after the vote, units with 不满意 votes (at least `threshold`) have their
 * closed problems re-checked by their supervision group: 维持销号, or 重新整改 (reopen() in
 * decisions.ts: closed → in_progress with a new deadline, the unit told, the loop runs again).
 */

export type ItemRow = typeof reinspectionItems.$inferSelect;
export const reinspectionPurpose = (evaluationId: number, unitId: number) =>
  `reinspection:${evaluationId}:${unitId}`;

export interface Decided {
  message: string;
  evaluation: EvaluationRow;
  unitId: number;
}

/** The deciders of a unit's items: its group's supervisors; staff when the unit has no group. */
export async function decidersOf(
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
    campaignName: await campaignNameOf(conn, e),
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

export async function sendUnitCard(
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

export async function loadItem(
  conn: Conn,
  itemId: number,
  lock = false,
): Promise<{ item: ItemRow; evaluation: EvaluationRow }> {
  const q = conn.select().from(reinspectionItems).where(eq(reinspectionItems.id, itemId));
  const [item] = lock ? await q.for('update') : await q;
  if (!item) throw notFound('未找到该回头看事项。');
  const [evaluation] = await conn.select().from(evaluations).where(eq(evaluations.id, item.evaluationId));
  if (!evaluation) throw new Error(`reinspection: item ${item.id} has no evaluation`);
  return { item, evaluation };
}

/** Only that unit's group's supervisors (or staff) decide; a unit without a group: staff. */
export async function mustDecide(ctx: ServiceCtx, item: ItemRow) {
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

export function mustBePending(item: ItemRow, code: string) {
  if (item.status !== 'pending')
    throw conflict(
      `${code} 的回头看已处理（${item.status === 'confirmed' ? '维持销号' : '重新整改'}），无需重复操作。`,
    );
}

export async function refreshUnitCards(tx: Tx, e: EvaluationRow, unitId: number, now: Date, except?: string) {
  await refreshCards(
    tx,
    reinspectionPurpose(e.id, unitId),
    reinspectionCard(await unitView(tx, e, unitId)),
    now,
    except,
  );
}

/** The item and its problem, both locked, the item still pending; the clicker may decide it. */
export async function lockPendingItem(ctx: ServiceCtx, itemId: number) {
  const { item, evaluation } = await loadItem(ctx.tx, itemId, true);
  await mustDecide(ctx, item);
  const p = await lockProblem(ctx.tx, item.problemId);
  mustBePending(item, p.code);
  return { item, evaluation, p };
}

/** The item's decision, only while it is pending. */
export async function decideItem(ctx: ServiceCtx, item: ItemRow, set: Partial<ItemRow>): Promise<void> {
  const done = await ctx.tx
    .update(reinspectionItems)
    .set({ ...set, decidedBy: ctx.actor.openId, decidedAt: ctx.now })
    .where(and(eq(reinspectionItems.id, item.id), eq(reinspectionItems.status, 'pending')))
    .returning({ id: reinspectionItems.id });
  if (!done.length) throw new Error(`reinspection: item ${item.id} was decided meanwhile`);
}
