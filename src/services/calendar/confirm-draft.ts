import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDays, calendarDrafts, calendarYears } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { conflict } from '../../domain/errors.js';
import type { NoticeDay } from '../../domain/holiday-notice.js';
import type { ServiceCtx } from '../context.js';
import { authorizeAdmin, DraftDays, noticeScope, type StatusDay, withStatus } from './common.js';

export const ConfirmDraftInput = z.object({ id: z.string() });
export type ConfirmDraftInput = z.input<typeof ConfirmDraftInput>;

export interface ImportResult {
  year: number;
  holidays: NoticeDay[];
  workdays: NoticeDay[];
  keptOverrides: string[];
  replaced: boolean;
}

/** The year's notice days replaced by the draft's, admin overrides kept; returns the dates kept. */
async function replaceNoticeDays(ctx: ServiceCtx, year: number, all: StatusDay[]) {
  const removed = await ctx.tx
    .delete(calendarDays)
    .where(and(eq(calendarDays.source, 'notice'), noticeScope(year, all)))
    .returning({ date: calendarDays.date });
  // What is left in scope after removing notice days are admin overrides: they stay.
  const overrides = new Set(
    (await ctx.tx.select({ date: calendarDays.date }).from(calendarDays).where(noticeScope(year, all))).map(
      (r) => r.date,
    ),
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
  return { removed: removed.length, keptOverrides };
}

/**
 * 确认导入: the draft's days stored (source 'notice'), replacing the year's earlier notice days
 * and keeping admin overrides; the year marked confirmed. Deleting the draft first makes a
 * second click (or a racing admin) find nothing.
 */
export async function confirmDraft(ctx: ServiceCtx, input: ConfirmDraftInput): Promise<ImportResult> {
  authorizeAdmin(ctx.actor);
  const { id } = ConfirmDraftInput.parse(input);
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
  const { removed, keptOverrides } = await replaceNoticeDays(ctx, draft.year, all);
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'calendar.notice_imported',
    subjectType: 'calendar_year',
    subjectId: String(draft.year),
    before: prev ? { noticeSha256: prev.noticeSha256, removedDays: removed } : null,
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
