import { createHash, randomUUID } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDays, calendarDrafts, calendarYears } from '../../../db/schema/index.js';
import type { WorkdayCalendar } from '../../domain/calendar.js';
import { cardWindowStart } from '../../domain/card-window.js';
import { addDays } from '../../domain/dates.js';
import { type NoticeDay, type NoticeDraft, parseHolidayNotice } from '../../domain/holiday-notice.js';
import type { ServiceCtx } from '../context.js';
import { authorizeAdmin, noticeScope, withStatus } from './common.js';
import { loadCalendarWith } from './load.js';

export const DraftNoticeInput = z.object({ text: z.string(), year: z.number().optional() });
export type DraftNoticeInput = z.input<typeof DraftNoticeInput>;

function diff(from: WorkdayCalendar, to: WorkdayCalendar, year: number, days: NoticeDay[]) {
  const dates = new Set(days.map((d) => d.date));
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) dates.add(d);
  return [...dates]
    .sort()
    .filter((d) => from.isWorkday(d) !== to.isWorkday(d))
    .map((d) => ({ date: d, from: from.isWorkday(d), to: to.isWorkday(d) }));
}

/** /日历 导入: the notice parsed and kept as a draft; nothing changes until an admin confirms. */
export async function draftNotice(ctx: ServiceCtx, input: DraftNoticeInput): Promise<NoticeDraft> {
  authorizeAdmin(ctx.actor);
  const { text, year } = DraftNoticeInput.parse(input);
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
