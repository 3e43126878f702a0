import chineseDays from 'chinese-days';
import { and, gte, inArray, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDays } from '../../../db/schema/index.js';
import { LAST_PUBLISHED_YEAR, type WorkdayCalendar } from '../../domain/calendar.js';
import { weekday } from '../../domain/dates.js';
import type { NoticeDay } from '../../domain/holiday-notice.js';
import { mustAdmin } from '../auth.js';
import type { Actor } from '../context.js';

/** Every change to the calendar is an admin's. */
export const authorizeAdmin = (actor: Actor) => mustAdmin(actor, '调整工作日日历');

export const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;
export const yearOf = (date: string) => Number(date.slice(0, 4));

/** Where a day's status comes from, for the admin's view. */
export type DaySource = 'override' | 'notice' | 'statutory' | 'fallback' | 'weekly';

export interface DayInfo {
  date: string;
  workday: boolean;
  name?: string;
  source: DaySource;
}

/** The festival of a day the law fixes, in a year without published data (元旦, 春节 除夕–初三, …). */
function fallbackName(date: string): string {
  const md = date.slice(5);
  if (md === '01-01') return '元旦';
  if (md === '05-01' || md === '05-02') return '劳动节';
  if (md >= '10-01' && md <= '10-03') return '国庆节';
  const l = chineseDays.getLunarDate(date);
  // Only the law's days reach here: lunar month 12 is 除夕, month 1 is 初一–初三.
  if (l.lunarMon === 12 || l.lunarMon === 1) return '春节';
  if (l.lunarMon === 5 && l.lunarDay === 5) return '端午节';
  if (l.lunarMon === 8 && l.lunarDay === 15) return '中秋节';
  return '清明节';
}

/** One day as the calendar in force sees it, with the reason. */
export function describeDay(
  cal: WorkdayCalendar,
  rows: Map<string, { workday: boolean; name: string | null; source: string }>,
  date: string,
): DayInfo {
  const row = rows.get(date);
  if (row)
    return {
      date,
      workday: row.workday,
      name: row.name ?? undefined,
      source: row.source === 'notice' ? 'notice' : 'override',
    };
  const workday = cal.isWorkday(date);
  if (yearOf(date) <= LAST_PUBLISHED_YEAR) {
    const n = chineseDays.getDayDetail(date).name.split(',');
    return {
      date,
      workday,
      name: n.length > 1 ? n[1] : undefined,
      source: n.length > 1 ? 'statutory' : 'weekly',
    };
  }
  if (!cal.isConfirmed(date) && cal.statutoryHolidays(yearOf(date)).has(date))
    return { date, workday, name: fallbackName(date), source: 'fallback' };
  return { date, workday, source: 'weekly' };
}

/** What a draft keeps of its notice (calendar_drafts.days, JSON). */
export const DraftDays = z.object({
  holidays: z.array(z.object({ date: z.string(), name: z.string() })),
  workdays: z.array(z.object({ date: z.string(), name: z.string() })),
  warnings: z.array(z.string()).default([]),
});

export type StatusDay = NoticeDay & { workday: boolean };
export const withStatus = (d: { holidays: NoticeDay[]; workdays: NoticeDay[] }): StatusDay[] => [
  ...d.holidays.map((x) => ({ ...x, workday: false })),
  ...d.workdays.map((x) => ({ ...x, workday: true })),
];

/** Days a notice speaks about: its year, and any date it names outside it (a 元旦 across the new year). */
export function noticeScope(year: number, days: NoticeDay[]) {
  const dates = days.map((d) => d.date);
  const inYear = and(gte(calendarDays.date, `${year}-01-01`), lte(calendarDays.date, `${year}-12-31`));
  return dates.length ? or(inYear, inArray(calendarDays.date, dates)) : inYear;
}
