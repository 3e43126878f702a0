import { and, eq, inArray } from 'drizzle-orm';
import { problemCoUnits, problems, unitContacts, units } from '../../db/schema/index.js';
import { appendAudit } from '../audit/chain.js';
import { forbidden, invalid } from '../domain/errors.js';
import { OPEN_STATES } from '../domain/problem.js';
import { revokeLostCopies } from './card-refresh.js';
import type { ServiceCtx } from './context.js';
import { isStaff } from './people.js';
import { sendCards } from './problems/common.js';
import { displayName, resolveUnit, type UnitRow } from './units.js';

/** /单位 添加 <名称> [简称:<简称>] [别名:<a>,<b>] */
export async function addUnit(
  ctx: ServiceCtx,
  input: { name: string; shortName?: string; aliases?: string[] },
): Promise<{ unit: UnitRow; created: boolean }> {
  if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以管理单位。');
  const name = input.name.trim();
  if (!name) throw invalid('格式：/单位 添加 <名称> [简称:<简称>] [别名:<别名>,<别名>]');
  if ([...name].length > 100) throw invalid('单位名称不能超过 100 个字。');
  const shortName = input.shortName?.trim() || null;
  const aliases = [...new Set((input.aliases ?? []).map((a) => a.trim()).filter(Boolean))];
  const [existing] = await ctx.tx.select().from(units).where(eq(units.name, name));
  if (existing) return { unit: existing, created: false };
  const [unit] = await ctx.tx.insert(units).values({ name, shortName, aliases }).returning();
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'unit.added',
    subjectType: 'unit',
    subjectId: String(unit!.id),
    after: { name, shortName, aliases },
  });
  return { unit: unit!, created: true };
}

/**
 * Adds a contact to a unit. The newcomer receives the unit's open problems as fresh cards
 * (lead and cooperating), so replacing a contact hands over the work.
 */
export async function addContact(
  ctx: ServiceCtx,
  unitName: string,
  person: { openId: string; name: string },
): Promise<{ unit: UnitRow; handedOver: number; already: boolean }> {
  if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以管理联络员。');
  const unit = await resolveUnit(ctx.tx, unitName);
  const inserted = await ctx.tx
    .insert(unitContacts)
    .values({ unitId: unit.id, openId: person.openId, addedBy: ctx.actor.openId })
    .onConflictDoNothing()
    .returning();
  if (!inserted.length) return { unit, handedOver: 0, already: true };
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'contact.added',
    subjectType: 'unit',
    subjectId: String(unit.id),
    after: { unit: unit.name, contact: person.name, openId: person.openId },
  });
  const led = await ctx.tx
    .select()
    .from(problems)
    .where(and(eq(problems.leadUnitId, unit.id), inArray(problems.state, OPEN_STATES)));
  for (const p of led)
    await sendCards(ctx, p, [person.openId], 'handover', {
      banner: `您已被设为${unit.name}联络员，本问题由贵单位牵头办理。`,
    });
  const coIds = (
    await ctx.tx
      .select({ id: problemCoUnits.problemId })
      .from(problemCoUnits)
      .where(eq(problemCoUnits.unitId, unit.id))
  ).map((r) => r.id);
  const co = coIds.length
    ? await ctx.tx
        .select()
        .from(problems)
        .where(and(inArray(problems.id, coIds), inArray(problems.state, OPEN_STATES)))
    : [];
  for (const p of co)
    await sendCards(ctx, p, [person.openId], 'handover', {
      banner: `您已被设为${unit.name}联络员，贵单位为本问题的配合单位。`,
      asCo: true,
    });
  return { unit, handedOver: led.length + co.length, already: false };
}

export async function removeContact(
  ctx: ServiceCtx,
  unitName: string,
  person: { openId: string; name: string },
): Promise<UnitRow> {
  if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以管理联络员。');
  const unit = await resolveUnit(ctx.tx, unitName);
  const removed = await ctx.tx
    .delete(unitContacts)
    .where(and(eq(unitContacts.unitId, unit.id), eq(unitContacts.openId, person.openId)))
    .returning();
  if (!removed.length) throw invalid(`${person.name}不是${displayName(unit)}的联络员。`);
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'contact.removed',
    subjectType: 'unit',
    subjectId: String(unit.id),
    before: { contact: person.name, openId: person.openId },
  });
  // Their cards of this unit's problems now say so, instead of staying live (0009).
  await revokeLostCopies(ctx, [person.openId]);
  return unit;
}

export async function contactsByUnit(ctx: Pick<ServiceCtx, 'tx'>): Promise<Map<number, string[]>> {
  const rows = await ctx.tx.select().from(unitContacts);
  const m = new Map<number, string[]>();
  for (const r of rows) m.set(r.unitId, [...(m.get(r.unitId) ?? []), r.openId]);
  return m;
}
