import { asc } from 'drizzle-orm';
import { groupMembers, groupUnits, supervisionGroups } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { notFound } from '../../domain/errors.js';
import { closest } from '../../domain/text.js';
import { namesOf } from '../people/read.js';
import { allUnits } from '../units/read.js';

/**
 * 督导组 (docs/domain.md §3): groups 1–5 follow the evaluated units, group 6 the rest; a group may
 * follow several units, a unit is followed by one group. Members are supervisors: they decide
 * close-out and extensions for their groups' problems. Every change is audited.
 */
export type GroupRow = typeof supervisionGroups.$inferSelect;

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
