import { type SQL, sql } from 'drizzle-orm';
import { type Conn, rowsOf } from '../../db.js';
import type { WorkdayCalendar } from '../../domain/calendar.js';
import type { TrendRow } from '../../domain/trend.js';
import { fillWorkdays } from '../documents/workday-table.js';

/**
 * Keeps the workdays table true for the years a query spans: filled from the calendar module
 * (overrides, imported notices, statutory fallback), rows written only where a day changed, under
 * one lock so two askers do not renumber at once.
 */
export async function ensureWorkdays(
  conn: Conn,
  calendar: WorkdayCalendar,
  fromYear: number,
  toYear: number,
) {
  await conn.execute(sql`select pg_advisory_xact_lock(727013)`);
  await fillWorkdays(conn, calendar, fromYear, toYear);
}

interface Row {
  month: string;
  unit_id: number | null;
  category: string | null;
  by: 'all' | 'unit' | 'category';
  problems: number;
  closed: number;
  overdue: number;
  mtta: number | null;
  mttr: number | null;
}

/**
 * Month by month over the problems of a set (withdrawn excluded), grouped by the month of
 * assignment (交办月份): problems, median workdays to 签收 (MTTA) and to 销号 (MTTR) by the
 * workdays table, closed, and overdue (open past the deadline, or closed after it). One SQL
 * aggregation with grouping sets: the whole set, per lead unit, per category.
 */
export async function trendRows(
  conn: Conn,
  o: { timezone: string; today: string; problemSet: SQL; from: string },
): Promise<TrendRow[]> {
  const tz = o.timezone;
  const rows = rowsOf<Row>(
    await conn.execute(sql`
      with ps as (
        select p.lead_unit_id, p.category, p.deadline,
          (p.assigned_at at time zone ${tz}::text)::date as a,
          (p.acknowledged_at at time zone ${tz}::text)::date as k,
          case when p.state = 'closed' then (p.closed_at at time zone ${tz}::text)::date end as c
        from problems p
        where p.state <> 'withdrawn' and ${o.problemSet}
          and p.assigned_at >= (${o.from}::date::timestamp at time zone ${tz}::text)),
      d as (
        select ps.*, to_char(ps.a, 'YYYY-MM') as month,
          wk.ordinal - wa.ordinal as ack_wd, wc.ordinal - wa.ordinal as close_wd
        from ps join workdays wa on wa.date = ps.a
          left join workdays wk on wk.date = ps.k
          left join workdays wc on wc.date = ps.c)
      select month, lead_unit_id as unit_id, category,
        case when grouping(lead_unit_id) = 0 then 'unit' when grouping(category) = 0 then 'category' else 'all' end as by,
        count(*)::int as problems,
        count(c)::int as closed,
        count(*) filter (where (c is null and deadline < ${o.today}::date) or c > deadline)::int as overdue,
        percentile_cont(0.5) within group (order by ack_wd) as mtta,
        percentile_cont(0.5) within group (order by close_wd) as mttr
      from d
      group by grouping sets ((month), (month, lead_unit_id), (month, category))
      order by month`),
  );
  return rows.map((r) => ({
    month: r.month,
    by: r.by,
    unitId: r.unit_id === null ? null : Number(r.unit_id),
    category: r.by === 'category' ? (r.category ?? '未分类') : null,
    problems: Number(r.problems),
    closed: Number(r.closed),
    overdue: Number(r.overdue),
    mtta: r.mtta === null ? null : Number(r.mtta),
    mttr: r.mttr === null ? null : Number(r.mttr),
  }));
}
