import { createHash, randomUUID } from 'node:crypto';
import chineseDays from 'chinese-days';
import { and, eq, gte, inArray, lt, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDays, calendarDrafts, calendarYears } from '../../db/schema/index.js';
import { appendAudit } from '../audit/chain.js';
import type { Conn } from '../db.js';
import { LAST_PUBLISHED_YEAR, WorkdayCalendar } from '../domain/calendar.js';
import { cardWindowStart } from '../domain/card-window.js';
import { addDays, weekday } from '../domain/dates.js';
import { conflict, forbidden, invalid } from '../domain/errors.js';
import { type NoticeDay, type NoticeDraft, parseHolidayNotice } from '../domain/holiday-notice.js';
import type { ServiceCtx } from './context.js';

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

function requireAdmin(ctx: ServiceCtx): void {
  if (!ctx.actor.roles.has('admin')) throw forbidden('只有管理员可以调整工作日日历。');
}

const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;
const yearOf = (date: string) => Number(date.slice(0, 4));

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

export const DAY_NAME_MAX = 20;

/** /日历 设置: one day made a workday or a holiday, whatever the package or a notice says. */
export async function setOverride(
  ctx: ServiceCtx,
  input: { date: string; workday: boolean; name?: string },
): Promise<{ before: DayInfo; after: DayInfo }> {
  requireAdmin(ctx);
  const name = input.name?.trim() || null;
  if (name && [...name].length > DAY_NAME_MAX) throw invalid(`名称不能超过 ${DAY_NAME_MAX} 个字。`);
  const [row] = await ctx.tx.select().from(calendarDays).where(eq(calendarDays.date, input.date));
  const before = describeDay(ctx.calendar, new Map(row ? [[row.date, row]] : []), input.date);
  const values = {
    workday: input.workday,
    name,
    source: 'override',
    createdBy: ctx.actor.openId,
    createdAt: ctx.now,
  };
  await ctx.tx
    .insert(calendarDays)
    .values({ date: input.date, ...values })
    .onConflictDoUpdate({ target: calendarDays.date, set: values });
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'calendar.day_set',
    subjectType: 'calendar_day',
    subjectId: input.date,
    before,
    after: { workday: input.workday, name },
  });
  return {
    before,
    after: { date: input.date, workday: input.workday, name: name ?? undefined, source: 'override' },
  };
}

/** /日历 删除: an admin's single-day setting removed; the day follows the notice or the package again. */
export async function removeOverride(ctx: ServiceCtx, date: string): Promise<DayInfo> {
  requireAdmin(ctx);
  const [row] = await ctx.tx.select().from(calendarDays).where(eq(calendarDays.date, date));
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

const DraftDays = z.object({
  holidays: z.array(z.object({ date: z.string(), name: z.string() })),
  workdays: z.array(z.object({ date: z.string(), name: z.string() })),
  warnings: z.array(z.string()).default([]),
});

/** Days a notice speaks about: its year, and any date it names outside it (a 元旦 across the new year). */
function noticeScope(year: number, days: NoticeDay[]) {
  const dates = days.map((d) => d.date);
  const inYear = and(gte(calendarDays.date, `${year}-01-01`), lte(calendarDays.date, `${year}-12-31`));
  return dates.length ? or(inYear, inArray(calendarDays.date, dates)) : inYear;
}

/** /日历 导入: the notice parsed and kept as a draft; nothing changes until an admin confirms. */
export async function draftNotice(ctx: ServiceCtx, text: string, year?: number): Promise<NoticeDraft> {
  requireAdmin(ctx);
  const n = parseHolidayNotice(text, year);
  const all = withStatus(n);
  const rows = await ctx.tx.select().from(calendarDays).where(noticeScope(n.year, all));
  const keptOverrides = rows
    .filter((r) => r.source === 'override' && all.some((d) => d.date === r.date))
    .map((r) => r.date);
  const changes = diff(ctx.calendar, await loadCalendarWith(ctx.tx, n.year, all), n.year, all);
  // Drafts live as long as a card's buttons can be clicked (14 days); older ones are dropped here.
  await ctx.tx.delete(calendarDrafts).where(lt(calendarDrafts.createdAt, cardWindowStart(ctx.now)));
  const id = randomUUID();
  await ctx.tx.insert(calendarDrafts).values({
    id,
    year: n.year,
    days: JSON.stringify({ holidays: n.holidays, workdays: n.workdays, warnings: n.warnings }),
    noticeSha256: createHash('sha256').update(text).digest('hex'),
    createdBy: ctx.actor.openId,
    createdAt: ctx.now,
  });
  const [prev] = await ctx.tx.select().from(calendarYears).where(eq(calendarYears.year, n.year));
  return {
    id,
    year: n.year,
    holidays: n.holidays,
    workdays: n.workdays,
    warnings: n.warnings,
    changes,
    keptOverrides,
    previous: prev ? { at: prev.importedAt, by: prev.importedBy } : undefined,
  };
}

type StatusDay = NoticeDay & { workday: boolean };
const withStatus = (d: { holidays: NoticeDay[]; workdays: NoticeDay[] }): StatusDay[] => [
  ...d.holidays.map((x) => ({ ...x, workday: false })),
  ...d.workdays.map((x) => ({ ...x, workday: true })),
];

/** The calendar as it would be with the notice imported: its days, the year confirmed, admin overrides on top. */
async function loadCalendarWith(conn: Conn, year: number, days: StatusDay[]): Promise<WorkdayCalendar> {
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

function diff(from: WorkdayCalendar, to: WorkdayCalendar, year: number, days: NoticeDay[]) {
  const dates = new Set(days.map((d) => d.date));
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) dates.add(d);
  return [...dates]
    .sort()
    .filter((d) => from.isWorkday(d) !== to.isWorkday(d))
    .map((d) => ({ date: d, from: from.isWorkday(d), to: to.isWorkday(d) }));
}

export interface ImportResult {
  year: number;
  holidays: NoticeDay[];
  workdays: NoticeDay[];
  keptOverrides: string[];
  replaced: boolean;
}

/**
 * 确认导入: the draft's days stored (source 'notice'), replacing the year's earlier notice days
 * and keeping admin overrides; the year marked confirmed. Deleting the draft first makes a
 * second click (or a racing admin) find nothing.
 */
export async function confirmDraft(ctx: ServiceCtx, id: string): Promise<ImportResult> {
  requireAdmin(ctx);
  const [draft] = await ctx.tx.delete(calendarDrafts).where(eq(calendarDrafts.id, id)).returning();
  if (!draft) throw conflict('该导入已确认或已取消，无需重复操作。');
  const d = DraftDays.parse(JSON.parse(draft.days));
  const all = withStatus(d);
  // The year's row first: upserting it locks it, so two imports of one year (two drafts
  // confirmed at once) run one after the other instead of colliding on the days' keys.
  const [prev] = await ctx.tx.select().from(calendarYears).where(eq(calendarYears.year, draft.year));
  const year = { importedBy: ctx.actor.openId, importedAt: ctx.now, noticeSha256: draft.noticeSha256 };
  await ctx.tx
    .insert(calendarYears)
    .values({ year: draft.year, ...year })
    .onConflictDoUpdate({ target: calendarYears.year, set: year });
  const removed = await ctx.tx
    .delete(calendarDays)
    .where(and(eq(calendarDays.source, 'notice'), noticeScope(draft.year, all)))
    .returning({ date: calendarDays.date });
  // What is left in scope after removing notice days are admin overrides: they stay.
  const overrides = new Set(
    (
      await ctx.tx.select({ date: calendarDays.date }).from(calendarDays).where(noticeScope(draft.year, all))
    ).map((r) => r.date),
  );
  const rows = all.filter((x) => !overrides.has(x.date));
  const keptOverrides = all.filter((x) => overrides.has(x.date)).map((x) => x.date);
  if (rows.length)
    await ctx.tx.insert(calendarDays).values(
      rows.map((x) => ({
        date: x.date,
        workday: x.workday,
        name: x.name,
        source: 'notice',
        createdBy: ctx.actor.openId,
        createdAt: ctx.now,
      })),
    );
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'calendar.notice_imported',
    subjectType: 'calendar_year',
    subjectId: String(draft.year),
    before: prev ? { noticeSha256: prev.noticeSha256, removedDays: removed.length } : null,
    after: { noticeSha256: draft.noticeSha256, holidays: d.holidays, workdays: d.workdays, keptOverrides },
  });
  return {
    year: draft.year,
    holidays: d.holidays,
    workdays: d.workdays,
    keptOverrides,
    replaced: Boolean(prev),
  };
}

/** 取消: the draft dropped; nothing else changes. */
export async function cancelDraft(ctx: ServiceCtx, id: string): Promise<{ year: number }> {
  requireAdmin(ctx);
  const [draft] = await ctx.tx
    .delete(calendarDrafts)
    .where(eq(calendarDrafts.id, id))
    .returning({ year: calendarDrafts.year });
  if (!draft) throw conflict('该导入已确认或已取消。');
  return draft;
}
