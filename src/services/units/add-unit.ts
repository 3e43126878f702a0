import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { units } from '../../../db/schema/index.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import type { UnitRow } from './read.js';

const NAME_MAX = 100;

export const AddUnitInput = z.object({
  name: z
    .string()
    .trim()
    .refine((n) => n.length > 0, '格式：/单位 添加 <名称> [简称:<简称>] [别名:<别名>,<别名>]')
    .refine((n) => [...n].length <= NAME_MAX, `单位名称不能超过 ${NAME_MAX} 个字。`),
  shortName: z
    .string()
    .optional()
    .transform((s) => s?.trim() || null),
  aliases: z
    .array(z.string())
    .optional()
    .transform((a) => [...new Set((a ?? []).map((x) => x.trim()).filter(Boolean))]),
});
export type AddUnitInput = z.input<typeof AddUnitInput>;

/** /单位 添加 <名称> [简称:<简称>] [别名:<a>,<b>]; a name that exists already is answered as such. */
export async function addUnit(
  ctx: ServiceCtx,
  raw: AddUnitInput,
): Promise<{ unit: UnitRow; created: boolean }> {
  const { name, shortName, aliases } = parseInput(AddUnitInput, raw);
  mustStaff(ctx.actor, '管理单位');
  const existing = async () => (await ctx.tx.select().from(units).where(eq(units.name, name)))[0];
  const before = await existing();
  if (before) return { unit: before, created: false };
  const [unit] = await ctx.tx
    .insert(units)
    .values({ name, shortName, aliases })
    .onConflictDoNothing()
    .returning();
  if (!unit) {
    // Added by someone else since the read above.
    const now = await existing();
    if (now) return { unit: now, created: false };
    throw new Error(`unit ${name} neither inserted nor found`);
  }
  await audit(ctx, 'unit.added', { type: 'unit', id: unit.id }, { after: { name, shortName, aliases } });
  return { unit, created: true };
}
