import { type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../db.js';
import type { WorkdayCalendar } from '../../domain/calendar.js';
import { addDays } from '../../domain/dates.js';

/**
 * Fills the workdays table for whole years from the calendar module (package data, imported
 * notices, overrides, and the statutory fallback for years beyond the package), then renumbers
 * the running count so SQL can subtract. Run again after a calendar change; idempotent.
 */
export async function fillWorkdays(conn: Conn, calendar: WorkdayCalendar, fromYear: number, toYear: number) {
  const days: { d: string; w: number }[] = [];
  for (let d = `${fromYear}-01-01`; d <= `${toYear}-12-31`; d = addDays(d, 1))
    days.push({ d, w: calendar.isWorkday(d) ? 1 : 0 });
  await conn.execute(sql`insert into workdays (date, workday, ordinal)
    select d::date, w, 0 from jsonb_to_recordset(${JSON.stringify(days)}::jsonb) as x(d text, w integer)
    on conflict (date) do update set workday = excluded.workday
    where workdays.workday is distinct from excluded.workday`);
  await conn.execute(sql`update workdays set ordinal = r.n
    from (select date, sum(workday) over (order by date)::int as n from workdays) r
    where workdays.date = r.date and workdays.ordinal is distinct from r.n`);
  return days.length;
}

/**
 * Workdays in (from, to] for SQL date expressions, by the table: the same count as
 * WorkdayCalendar.workdaysAfter. Both dates must lie in filled years.
 */
export function workdaysAfterSql(from: SQL, to: SQL): SQL {
  return sql`greatest(0, (select ordinal from workdays where date = (${to})::date)
    - (select ordinal from workdays where date = (${from})::date))`;
}
