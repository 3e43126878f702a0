import { and, asc, eq } from 'drizzle-orm';
import { groupMembers, groupUnits, supervisionGroups } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { notFound } from '../../domain/errors.js';
import { closest } from '../../domain/text.js';
import type { CampaignRow } from '../campaigns/read.js';
import { namesOf } from '../people/read.js';
import { allUnits } from '../units/read.js';

/**
 * 督导组 (docs/domain.md §3): groups 1–5 follow the evaluated units, group 6 the rest; a group may
 * follow several units, a unit is followed by one group in a campaign. Groups belong to one
 * campaign (names are unique within it). Members are supervisors: they decide close-out and
 * extensions for their groups' problems. Every change is audited.
 */
export type GroupRow = typeof supervisionGroups.$inferSelect;

/** A group of the campaign by its exact name; an unknown name is refused with the closest names. */
export async function resolveGroup(conn: Conn, name: string, campaign: CampaignRow): Promise<GroupRow> {
  const n = name.trim();
  const all = await conn
    .select()
    .from(supervisionGroups)
    .where(eq(supervisionGroups.campaignId, campaign.id))
    .orderBy(asc(supervisionGroups.id));
  const hit = all.find((g) => g.name === n);
  if (hit) return hit;
  const near = closest(
    n,
    all.map((g) => g.name),
  );
  throw notFound(
    `议题「${campaign.name}」中未找到督导组「${n}」。${near.length ? `您是否要找：${near.join('、')}？` : all.length ? `现有督导组：${all.map((g) => g.name).join('、')}。` : '请先用 /督导组 添加 <名称> 添加督导组。'}`,
  );
}

export interface GroupListing {
  campaign: CampaignRow;
  groups: { group: GroupRow; units: string[]; members: string[] }[];
  ungrouped: string[];
}

/** The campaign's groups, their units and members, and the units no group of it follows. */
export async function listGroups(conn: Conn, campaign: CampaignRow): Promise<GroupListing> {
  const groups = await conn
    .select()
    .from(supervisionGroups)
    .where(eq(supervisionGroups.campaignId, campaign.id))
    .orderBy(asc(supervisionGroups.id));
  const links = await conn.select().from(groupUnits).where(eq(groupUnits.campaignId, campaign.id));
  const members = await conn
    .select({ groupId: groupMembers.groupId, openId: groupMembers.openId })
    .from(groupMembers)
    .innerJoin(supervisionGroups, eq(supervisionGroups.id, groupMembers.groupId))
    .where(eq(supervisionGroups.campaignId, campaign.id));
  const units = await allUnits(conn);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const names = await namesOf(
    conn,
    members.map((m) => m.openId),
  );
  return {
    campaign,
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

/** The units a person's groups follow in one campaign: what a supervisor oversees there. */
export async function unitIdsFollowedBy(conn: Conn, openId: string, campaignId: number): Promise<number[]> {
  const rows = await conn
    .select({ unitId: groupUnits.unitId })
    .from(groupUnits)
    .innerJoin(groupMembers, eq(groupMembers.groupId, groupUnits.groupId))
    .where(and(eq(groupMembers.openId, openId), eq(groupUnits.campaignId, campaignId)));
  return [...new Set(rows.map((r) => r.unitId))];
}
