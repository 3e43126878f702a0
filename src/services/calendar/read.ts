import { and, eq, gte, lt } from 'drizzle-orm';
import { calendarDays, calendarYears } from '../../../db/schema/index.js';
import { addDays } from '../../domain/dates.js';
import type { ServiceCtx } from '../context.js';
import { type DayInfo, describeDay, isWeekend, yearOf } from './common.js';

export interface MonthView {
  month: string;
  confirmed: boolean;
  imported?: { by: string | null; at: Date };
  /** Holidays, make-up workdays and admin-set days; ordinary weekdays and weekends are left out. */
  days: DayInfo[];
}

/** /日历 查看: the month's days that are not simply Monday–Friday work, Saturday–Sunday rest. */
export async function monthView(ctx: ServiceCtx, month: string): Promise<MonthView> {
  const first = `${month}-01`;
  const next = addDays(`${month}-28`, 4).slice(0, 7);
  const rows = await ctx.tx
    .select()
    .from(calendarDays)
    .where(and(gte(calendarDays.date, first), lt(calendarDays.date, `${next}-01`)));
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const [imported] = await ctx.tx
    .select()
    .from(calendarYears)
    .where(eq(calendarYears.year, yearOf(first)));
  const days: DayInfo[] = [];
  for (let d = first; d.startsWith(month); d = addDays(d, 1)) {
    const info = describeDay(ctx.calendar, byDate, d);
    if (info.source !== 'weekly' || info.workday === isWeekend(d)) days.push(info);
  }
  return {
    month,
    confirmed: ctx.calendar.isConfirmed(first),
    imported: imported ? { by: imported.importedBy, at: imported.importedAt } : undefined,
    days,
  };
}
