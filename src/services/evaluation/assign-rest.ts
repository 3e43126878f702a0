import { z } from 'zod';
import { evaluatedUnits, groupUnits } from '../../../db/schema/index.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { assignUnits, type UnitsAssigned } from '../groups/assign-units.js';
import { allUnits } from '../units/read.js';

/** 其余: every unit not evaluated and not yet in a group goes to the catch-all group. */
export const AssignRestInput = z.object({ group: z.string() });
export type AssignRestInput = z.input<typeof AssignRestInput>;

export async function assignRest(ctx: ServiceCtx, input: AssignRestInput): Promise<UnitsAssigned | null> {
  mustStaff(ctx.actor, '分配其余单位');
  const { group: groupName } = AssignRestInput.parse(input);
  const chosen = new Set((await ctx.tx.select().from(evaluatedUnits)).map((e) => e.unitId));
  const grouped = new Set(
    (await ctx.tx.select({ unitId: groupUnits.unitId }).from(groupUnits)).map((g) => g.unitId),
  );
  const rest = (await allUnits(ctx.tx)).filter((u) => !chosen.has(u.id) && !grouped.has(u.id));
  if (!rest.length) return null;
  return assignUnits(ctx, { group: groupName, units: rest.map((u) => u.name) });
}
