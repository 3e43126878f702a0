import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A parsed spreadsheet waiting for 确认导入 (rows as JSON). */
export const importDrafts = pgTable('import_drafts', {
  id: text().primaryKey(),
  createdBy: text().notNull(),
  fileName: text().notNull(),
  payload: text().notNull(),
  status: text().notNull().default('pending'),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
