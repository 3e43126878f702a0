import { calendarDays, calendarYears } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { WorkdayCalendar } from '../../domain/calendar.js';
import type { StatusDay } from './common.js';
import { yearOf } from './common.js';

/** The workday calendar in force: the statutory one, imported notices and admin overrides. */
export async function loadCalendar(conn: Conn): Promise<WorkdayCalendar> {
  const days = await conn.select().from(calendarDays);
  const years = await conn.select({ year: calendarYears.year }).from(calendarYears);
  // Admin overrides win over days derived from a notice.
  const ordered = [
    ...days.filter((d) => d.source !== 'override'),
    ...days.filter((d) => d.source === 'override'),
  ];
  return new WorkdayCalendar(
    ordered.map((d) => ({ date: d.date, workday: d.workday, name: d.name ?? undefined })),
    years.map((y) => y.year),
  );
}

/** The calendar as it would be with the notice imported: its days, the year confirmed, admin overrides on top. */
export async function loadCalendarWith(
  conn: Conn,
  year: number,
  days: StatusDay[],
): Promise<WorkdayCalendar> {
  const rows = await conn.select().from(calendarDays);
  const noticeDates = new Set(days.map((d) => d.date));
  const keptNotice = rows.filter(
    (r) => r.source === 'notice' && yearOf(r.date) !== year && !noticeDates.has(r.date),
  );
  const overrides = rows.filter((r) => r.source === 'override');
  const years = (await conn.select({ year: calendarYears.year }).from(calendarYears)).map((y) => y.year);
  return new WorkdayCalendar(
    [
      ...keptNotice.map((r) => ({ date: r.date, workday: r.workday })),
      ...days.map((d) => ({ date: d.date, workday: d.workday })),
      ...overrides.map((r) => ({ date: r.date, workday: r.workday })),
    ],
    [...years, year],
  );
}
