import { boolean, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Days that differ from the package's statutory calendar: admin overrides (source 'override')
 * and days derived from an imported State Council notice (source 'notice').
 */
export const calendarDays = pgTable('calendar_days', {
  date: date({ mode: 'string' }).primaryKey(),
  workday: boolean().notNull(),
  name: text(),
  source: text().notNull(),
  createdBy: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Years whose schedule was imported from the published notice: confirmed, whatever the package knows. */
export const calendarYears = pgTable('calendar_years', {
  year: integer().primaryKey(),
  importedBy: text(),
  importedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  noticeSha256: text(),
});

/** A notice parsed and shown for confirmation, waiting for the admin's 确认. */
export const calendarDrafts = pgTable('calendar_drafts', {
  id: text().primaryKey(),
  year: integer().notNull(),
  days: text().notNull(),
  noticeSha256: text().notNull(),
  createdBy: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
