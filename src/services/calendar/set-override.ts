import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDays } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { invalid } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { authorizeAdmin, type DayInfo, describeDay } from './common.js';

export const DAY_NAME_MAX = 20;

export const SetOverrideInput = z.object({
  date: z.string(),
  workday: z.boolean(),
  name: z.string().optional(),
});
export type SetOverrideInput = z.input<typeof SetOverrideInput>;

/** /日历 设置: one day made a workday or a holiday, whatever the package or a notice says. */
export async function setOverride(
  ctx: ServiceCtx,
  input: SetOverrideInput,
): Promise<{ before: DayInfo; after: DayInfo }> {
  authorizeAdmin(ctx.actor);
  const i = SetOverrideInput.parse(input);
  const name = i.name?.trim() || null;
  if (name && [...name].length > DAY_NAME_MAX) throw invalid(`名称不能超过 ${DAY_NAME_MAX} 个字。`);
  const [row] = await ctx.tx.select().from(calendarDays).where(eq(calendarDays.date, i.date)).for('update');
  const before = describeDay(ctx.calendar, new Map(row ? [[row.date, row]] : []), i.date);
  const values = {
    workday: i.workday,
    name,
    source: 'override',
    createdBy: ctx.actor.openId,
    createdAt: ctx.now,
  };
  await ctx.tx
    .insert(calendarDays)
    .values({ date: i.date, ...values })
    .onConflictDoUpdate({ target: calendarDays.date, set: values });
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'calendar.day_set',
    subjectType: 'calendar_day',
    subjectId: i.date,
    before,
    after: { workday: i.workday, name },
  });
  return {
    before,
    after: { date: i.date, workday: i.workday, name: name ?? undefined, source: 'override' },
  };
}
