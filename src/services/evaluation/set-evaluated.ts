import { z } from 'zod';
import { evaluatedUnits } from '../../../db/schema/index.js';
import { invalid } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { allUnits, resolveUnit, type UnitRow } from '../units/read.js';
import { auditBy } from './common.js';
import { mustNotBeVoting } from './units.js';

/** Replaces the set of evaluated units. */
export const SetEvaluatedInput = z.object({ names: z.array(z.string()) });
export type SetEvaluatedInput = z.input<typeof SetEvaluatedInput>;

export async function setEvaluated(ctx: ServiceCtx, input: SetEvaluatedInput): Promise<UnitRow[]> {
  mustStaff(ctx.actor, '设置评议对象');
  const { names } = SetEvaluatedInput.parse(input);
  const list = [...new Set(names.map((s) => s.trim()).filter(Boolean))];
  if (!list.length) throw invalid('格式：/评议对象 设置 <单位>,<单位>…');
  await mustNotBeVoting(ctx);
  const all = await allUnits(ctx.tx);
  const chosen: UnitRow[] = [];
  for (const n of list) {
    const u = await resolveUnit(ctx.tx, n, all);
    if (!chosen.some((c) => c.id === u.id)) chosen.push(u);
  }
  const before = await ctx.tx.select().from(evaluatedUnits);
  await ctx.tx.delete(evaluatedUnits);
  await ctx.tx
    .insert(evaluatedUnits)
    .values(chosen.map((u) => ({ unitId: u.id, chosenBy: ctx.actor.openId, chosenAt: ctx.now })));
  await auditBy(
    ctx,
    'evaluation.units_set',
    { type: 'evaluated_units', id: 'current' },
    {
      before: { unitIds: before.map((b) => b.unitId) },
      after: { units: chosen.map((u) => u.name) },
    },
  );
  return chosen;
}
