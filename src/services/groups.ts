import { and, asc, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import {
  groupMembers,
  groupUnits,
  problemRequests,
  problems,
  roles,
  supervisionGroups,
} from '../../db/schema/index.js';
import { appendAudit } from '../audit/chain.js';
import type { Conn } from '../db.js';
import { forbidden, invalid, notFound } from '../domain/errors.js';
import { OPEN_STATES } from '../domain/problem.js';
import { closest } from '../domain/text.js';
import { revokeLostCopies } from './card-refresh.js';
import type { ServiceCtx } from './context.js';
import { isStaff, namesOf } from './people.js';
import { decidersFor, refreshCopies, sendCards } from './problems/common.js';
import type { ProblemRow } from './problems/load.js';
import { allUnits, resolveUnit, type UnitRow } from './units.js';

/**
 * 督导组 (docs/domain.md §3): groups 1–5 follow the evaluated units, group 6 the rest; a group may
 * follow several units, a unit is followed by one group. Members are supervisors: they decide
 * close-out and extensions for their groups' problems. Every change is audited.
 */
export type GroupRow = typeof supervisionGroups.$inferSelect;

const NAME_MAX = 50;

function mustStaff(ctx: ServiceCtx) {
  if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以管理督导组。');
}

async function audit(ctx: ServiceCtx, action: string, g: GroupRow, o: { before?: unknown; after?: unknown }) {
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action,
    subjectType: 'group',
    subjectId: String(g.id),
    before: o.before ?? null,
    after: o.after ?? null,
  });
}

/** A group by its exact name; an unknown name is refused with the closest names. */
export async function resolveGroup(conn: Conn, name: string): Promise<GroupRow> {
  const n = name.trim();
  const all = await conn.select().from(supervisionGroups).orderBy(asc(supervisionGroups.id));
  const hit = all.find((g) => g.name === n);
  if (hit) return hit;
  const near = closest(
    n,
    all.map((g) => g.name),
  );
  throw notFound(
    `未找到督导组「${n}」。${near.length ? `您是否要找：${near.join('、')}？` : all.length ? `现有督导组：${all.map((g) => g.name).join('、')}。` : '请先用 /督导组 添加 <名称> 添加督导组。'}`,
  );
}

export async function addGroup(
  ctx: ServiceCtx,
  name: string,
): Promise<{ group: GroupRow; created: boolean }> {
  mustStaff(ctx);
  const n = name.trim();
  if (!n) throw invalid('格式：/督导组 添加 <名称>，如 /督导组 添加 第一督导组');
  if (/\s/.test(n)) throw invalid('督导组名称不能包含空格。');
  if ([...n].length > NAME_MAX) throw invalid(`督导组名称不能超过 ${NAME_MAX} 个字。`);
  const [existing] = await ctx.tx.select().from(supervisionGroups).where(eq(supervisionGroups.name, n));
  if (existing) return { group: existing, created: false };
  const [group] = await ctx.tx.insert(supervisionGroups).values({ name: n, createdAt: ctx.now }).returning();
  await audit(ctx, 'group.added', group!, { after: { name: n } });
  return { group: group!, created: true };
}

/** Adds a member; membership makes the person a supervisor (role granted and audited too). */
export async function addMember(
  ctx: ServiceCtx,
  groupName: string,
  person: { openId: string; name: string },
): Promise<{ group: GroupRow; already: boolean; granted: boolean }> {
  mustStaff(ctx);
  const group = await resolveGroup(ctx.tx, groupName);
  const added = await ctx.tx
    .insert(groupMembers)
    .values({ groupId: group.id, openId: person.openId })
    .onConflictDoNothing()
    .returning();
  const role = await ctx.tx
    .insert(roles)
    .values({ openId: person.openId, role: 'supervisor', grantedBy: ctx.actor.openId, grantedAt: ctx.now })
    .onConflictDoNothing()
    .returning();
  if (role.length) {
    await appendAudit(ctx.tx, {
      at: ctx.now,
      actorOpenId: ctx.actor.openId,
      actorName: ctx.actor.name,
      action: 'role.granted',
      subjectType: 'person',
      subjectId: person.openId,
      after: { role: 'supervisor', name: person.name, via: group.name },
    });
  }
  if (added.length)
    await audit(ctx, 'group.member_added', group, {
      after: { group: group.name, member: person.name, openId: person.openId },
    });
  return { group, already: !added.length, granted: role.length > 0 };
}

/** Removes a member. The supervisor role stays (granted by admins, or needed for other groups). */
export async function removeMember(
  ctx: ServiceCtx,
  groupName: string,
  person: { openId: string; name: string },
): Promise<GroupRow> {
  mustStaff(ctx);
  const group = await resolveGroup(ctx.tx, groupName);
  const removed = await ctx.tx
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.openId, person.openId)))
    .returning();
  if (!removed.length) throw invalid(`${person.name}不是${group.name}的成员。`);
  await audit(ctx, 'group.member_removed', group, {
    before: { group: group.name, member: person.name, openId: person.openId },
  });
  await revokeLostCopies(ctx, [person.openId]);
  return group;
}

export interface UnitsAssigned {
  group: GroupRow;
  moved: { unit: UnitRow; from: string | null }[];
  unchanged: UnitRow[];
  /** Open problems whose group changed with their lead unit. */
  problemsMoved: number;
}

/**
 * A unit follows one group (group_units.unit is unique): naming it again for another group
 * moves it, and its open problems follow, so the new group's supervisors decide them.
 * Closed and withdrawn problems keep the group that decided them.
 */
export async function assignUnits(
  ctx: ServiceCtx,
  groupName: string,
  unitNames: string[],
): Promise<UnitsAssigned> {
  mustStaff(ctx);
  const names = [...new Set(unitNames.map((s) => s.trim()).filter(Boolean))];
  if (!names.length) throw invalid('格式：/督导组 单位 <组名> <单位>[,<单位>…]');
  const group = await resolveGroup(ctx.tx, groupName);
  const all = await allUnits(ctx.tx);
  const list: UnitRow[] = [];
  for (const n of names) {
    const u = await resolveUnit(ctx.tx, n, all);
    if (!list.some((x) => x.id === u.id)) list.push(u);
  }
  const groupNames = new Map((await ctx.tx.select().from(supervisionGroups)).map((g) => [g.id, g.name]));
  const r: UnitsAssigned = { group, moved: [], unchanged: [], problemsMoved: 0 };
  for (const u of list) {
    const [cur] = await ctx.tx.select().from(groupUnits).where(eq(groupUnits.unitId, u.id)).for('update');
    if (cur?.groupId === group.id) {
      r.unchanged.push(u);
      continue;
    }
    if (cur) await ctx.tx.delete(groupUnits).where(eq(groupUnits.unitId, u.id));
    await ctx.tx.insert(groupUnits).values({ groupId: group.id, unitId: u.id });
    const moved = await ctx.tx
      .update(problems)
      .set({ groupId: group.id, updatedAt: ctx.now })
      .where(
        and(
          eq(problems.leadUnitId, u.id),
          inArray(problems.state, OPEN_STATES),
          or(isNull(problems.groupId), ne(problems.groupId, group.id)),
        ),
      )
      .returning();
    r.problemsMoved += moved.length;
    await handOver(ctx, group, moved);
    const from = cur ? (groupNames.get(cur.groupId) ?? null) : null;
    r.moved.push({ unit: u, from });
    await audit(ctx, 'group.unit_assigned', group, {
      before: { unit: u.name, group: from },
      after: { unit: u.name, group: group.name, openProblems: moved.map((m) => m.code) },
    });
  }
  return r;
}

/**
 * The moved problems' cards are rebuilt (group name, who may decide), and requests waiting for
 * a decision go to the new group's supervisors: the old group can no longer decide them.
 */
async function handOver(ctx: ServiceCtx, group: GroupRow, moved: ProblemRow[]) {
  if (!moved.length) return;
  const rows = await ctx.tx
    .select({ id: problemRequests.problemId, kind: problemRequests.kind })
    .from(problemRequests)
    .where(
      and(
        inArray(
          problemRequests.problemId,
          moved.map((p) => p.id),
        ),
        eq(problemRequests.status, 'pending'),
        inArray(problemRequests.kind, ['closure', 'extension']),
      ),
    );
  for (const p of moved) {
    await refreshCopies(ctx, p);
    const deciders = new Set<string>();
    for (const r of rows.filter((x) => x.id === p.id))
      for (const id of await decidersFor(ctx, p, r.kind as 'closure' | 'extension')) deciders.add(id);
    if (deciders.size)
      await sendCards(ctx, p, [...deciders], 'group_handover', {
        banner: `${p.code} 已改由${group.name}负责，有待审核的申请，请处理。`,
      });
  }
}

/** Binds the group's chat (new-assignment notices go there). */
export async function bindChat(ctx: ServiceCtx, groupName: string, chatId: string): Promise<GroupRow> {
  mustStaff(ctx);
  if (!/^oc_[\w-]+$/.test(chatId))
    throw invalid(
      `「${chatId}」不是有效的群聊 chat_id（形如 oc_xxx）。也可在该群聊中 @机器人 发送 /督导组 群聊 <组名>。`,
    );
  const group = await resolveGroup(ctx.tx, groupName);
  const [updated] = await ctx.tx
    .update(supervisionGroups)
    .set({ chatId })
    .where(eq(supervisionGroups.id, group.id))
    .returning();
  await audit(ctx, 'group.chat_bound', group, { before: { chatId: group.chatId }, after: { chatId } });
  return updated!;
}

export interface GroupListing {
  groups: { group: GroupRow; units: string[]; members: string[] }[];
  ungrouped: string[];
}

export async function listGroups(conn: Conn): Promise<GroupListing> {
  const groups = await conn.select().from(supervisionGroups).orderBy(asc(supervisionGroups.id));
  const links = await conn.select().from(groupUnits);
  const members = await conn.select().from(groupMembers);
  const units = await allUnits(conn);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const names = await namesOf(
    conn,
    members.map((m) => m.openId),
  );
  return {
    groups: groups.map((g) => ({
      group: g,
      units: links
        .filter((l) => l.groupId === g.id)
        .map((l) => unitName.get(l.unitId) ?? `单位#${l.unitId}`)
        .sort((a, b) => a.localeCompare(b, 'zh')),
      members: members.filter((m) => m.groupId === g.id).map((m) => names.get(m.openId)!),
    })),
    ungrouped: units.filter((u) => !links.some((l) => l.unitId === u.id)).map((u) => u.name),
  };
}
