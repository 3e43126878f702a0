import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDays } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { conflict, invalid } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { authorizeAdmin, type DayInfo, describeDay } from './common.js';
import { loadCalendar } from './load.js';

export const RemoveOverrideInput = z.object({ date: z.string() });
export type RemoveOverrideInput = z.input<typeof RemoveOverrideInput>;

/** /日历 删除: an admin's single-day setting removed; the day follows the notice or the package again. */
export async function removeOverride(ctx: ServiceCtx, input: RemoveOverrideInput): Promise<DayInfo> {
  authorizeAdmin(ctx.actor);
  const { date } = RemoveOverrideInput.parse(input);
  const [row] = await ctx.tx.select().from(calendarDays).where(eq(calendarDays.date, date)).for('update');
  if (!row)
    throw invalid(`${date} 没有单日设置，无需删除。可用 /日历 查看 ${date.slice(0, 7)} 查看该月安排。`);
  if (row.source !== 'override')
    throw invalid(
      `${date} 的安排来自导入的国务院通知，不是单日设置。如需改动，请用 /日历 设置 ${date} 工作日|休息日，或重新导入通知。`,
    );
  const deleted = await ctx.tx
    .delete(calendarDays)
    .where(and(eq(calendarDays.date, date), eq(calendarDays.source, 'override')))
    .returning();
  if (!deleted.length) throw conflict(`${date} 的单日设置已被删除。`);
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'calendar.day_removed',
    subjectType: 'calendar_day',
    subjectId: date,
    before: { workday: row.workday, name: row.name },
  });
  const cal = await loadCalendar(ctx.tx);
  return describeDay(cal, new Map(), date);
}
