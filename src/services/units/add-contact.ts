import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { problemCoUnits, problems, unitContacts } from '../../../db/schema/index.js';
import { OPEN_STATES } from '../../domain/problem.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { PersonInput } from '../people/person-ref.js';
import { sendCards } from '../problems/common.js';
import { taskOnContact } from '../tasks/sync.js';
import { resolveUnit, type UnitRow } from './read.js';

export const AddContactInput = z.object({ unit: z.string(), person: PersonInput });
export type AddContactInput = z.input<typeof AddContactInput>;

/**
 * Adds a contact to a unit. The newcomer receives the unit's open problems as fresh cards
 * (lead and cooperating), so replacing a contact hands over the work.
 */
export async function addContact(
  ctx: ServiceCtx,
  raw: AddContactInput,
): Promise<{ unit: UnitRow; handedOver: number; already: boolean }> {
  const { unit: unitName, person } = parseInput(AddContactInput, raw);
  mustStaff(ctx.actor, '管理联络员');
  const unit = await resolveUnit(ctx.tx, unitName);
  const inserted = await ctx.tx
    .insert(unitContacts)
    .values({ unitId: unit.id, openId: person.openId, addedBy: ctx.actor.openId })
    .onConflictDoNothing()
    .returning();
  if (!inserted.length) return { unit, handedOver: 0, already: true };
  await audit(
    ctx,
    'contact.added',
    { type: 'unit', id: unit.id },
    { after: { unit: unit.name, contact: person.name, openId: person.openId } },
  );
  const handedOver = await handOver(ctx, unit, person.openId);
  await taskOnContact(ctx, unit.id, person.openId, 'add');
  return { unit, handedOver, already: false };
}

/** The unit's open problems, as cards to the new contact; answers how many. */
async function handOver(ctx: ServiceCtx, unit: UnitRow, openId: string): Promise<number> {
  const led = await ctx.tx
    .select()
    .from(problems)
    .where(and(eq(problems.leadUnitId, unit.id), inArray(problems.state, OPEN_STATES)));
  for (const p of led)
    await sendCards(ctx, p, [openId], 'handover', {
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
    await sendCards(ctx, p, [openId], 'handover', {
      banner: `您已被设为${unit.name}联络员，贵单位为本问题的配合单位。`,
      asCo: true,
    });
  return led.length + co.length;
}
