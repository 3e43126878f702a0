import { asc } from 'drizzle-orm';
import { unitContacts, units } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { invalid, notFound } from '../../domain/errors.js';
import { closest } from '../../domain/text.js';
import { namesOf } from '../people/read.js';

export type UnitRow = typeof units.$inferSelect;

export function unitLabels(u: UnitRow): string[] {
  return [u.name, ...(u.shortName ? [u.shortName] : []), ...u.aliases];
}

/**
 * Finds a unit by full name, short name or alias (市科经局 = 市科学技术和经济信息化局);
 * an unknown name is refused with the closest names as a "did you mean".
 */
export async function resolveUnit(conn: Conn, name: string, all?: UnitRow[]): Promise<UnitRow> {
  const n = name.trim();
  if (!n) throw invalid('请填写单位名称。');
  const list = all ?? (await conn.select().from(units).orderBy(asc(units.name)));
  const hit = list.find((u) => unitLabels(u).includes(n));
  if (hit) return hit;
  const near = closest(n, list.flatMap(unitLabels));
  throw notFound(
    `未找到单位「${n}」。${near.length ? `您是否要找：${near.join('、')}？` : '请先用 /单位 添加 <名称> 添加该单位。'}`,
  );
}

export async function allUnits(conn: Conn): Promise<UnitRow[]> {
  return conn.select().from(units).orderBy(asc(units.name));
}

export function displayName(u: UnitRow): string {
  return u.shortName && u.shortName !== u.name ? `${u.name}（${u.shortName}）` : u.name;
}

/** /单位 列表: every unit, by name, with its contacts' names. */
export async function listUnits(conn: Conn): Promise<{ unit: UnitRow; contacts: string[] }[]> {
  const list = await allUnits(conn);
  const rows = await conn.select().from(unitContacts);
  const names = await namesOf(
    conn,
    rows.map((r) => r.openId),
  );
  return list.map((unit) => ({
    unit,
    contacts: rows.filter((r) => r.unitId === unit.id).map((r) => names.get(r.openId)!),
  }));
}
