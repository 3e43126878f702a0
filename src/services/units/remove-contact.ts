import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { unitContacts } from '../../../db/schema/index.js';
import { invalid } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import { revokeLostCopies } from '../card-refresh.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { PersonInput } from '../people/person-ref.js';
import { taskOnContact } from '../tasks/sync.js';
import { displayName, resolveUnit, type UnitRow } from './read.js';

export const RemoveContactInput = z.object({ unit: z.string(), person: PersonInput });
export type RemoveContactInput = z.input<typeof RemoveContactInput>;

/** Removes a unit's contact; their cards of the unit's problems then say they no longer apply. */
export async function removeContact(ctx: ServiceCtx, raw: RemoveContactInput): Promise<UnitRow> {
  const { unit: unitName, person } = parseInput(RemoveContactInput, raw);
  mustStaff(ctx.actor, '管理联络员');
  const unit = await resolveUnit(ctx.tx, unitName);
  const removed = await ctx.tx
    .delete(unitContacts)
    .where(and(eq(unitContacts.unitId, unit.id), eq(unitContacts.openId, person.openId)))
    .returning();
  if (!removed.length) throw invalid(`${person.name}不是${displayName(unit)}的联络员。`);
  await audit(
    ctx,
    'contact.removed',
    { type: 'unit', id: unit.id },
    { before: { contact: person.name, openId: person.openId } },
  );
  // Their cards of this unit's problems now say so, instead of staying live (0009).
  await revokeLostCopies(ctx, [person.openId]);
  await taskOnContact(ctx, unit.id, person.openId, 'remove');
  return unit;
}
