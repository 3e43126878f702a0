import {
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { blobs } from './blobs.js';
import { problems } from './problems.js';
import { units } from './units.js';

/**
 * 文号 series: one per document type and year. `next` is taken with UPDATE … RETURNING in the
 * document's own transaction, so a rolled-back document gives its number back and two requests
 * queue on the row: numbers are consecutive, with no gaps (docs/decisions/0013-documents.md).
 */
export const documentSeries = pgTable(
  'document_series',
  {
    kind: text().notNull(),
    year: integer().notNull(),
    next: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.year] })],
);

/**
 * Every formal document made: kind notice (督办通知书) | urge (催办通知书) | report (通报). The
 * bytes are in blobs under sha256, so a document can be sent again exactly as issued.
 */
export const documents = pgTable(
  'documents',
  {
    id: serial().primaryKey(),
    kind: text().notNull(),
    year: integer().notNull(),
    seq: integer().notNull(),
    docNumber: text().notNull(),
    fileName: text().notNull(),
    sha256: text()
      .notNull()
      .references(() => blobs.sha256),
    problemId: integer().references(() => problems.id),
    unitId: integer().references(() => units.id),
    createdBy: text().notNull(),
    createdByName: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('documents_series_uq').on(t.kind, t.year, t.seq),
    index('documents_problem_idx').on(t.problemId),
    index('documents_unit_idx').on(t.unitId),
  ],
);

/**
 * Every day of the years in use with its workday flag from the calendar module (statutory
 * fallback included), for SQL that counts workdays: `ordinal` counts workdays from the first
 * row up to and including the day, so workdays in (a, b] = ordinal(b) − ordinal(a). Never
 * extract(dow): weekends are not the calendar (调休).
 */
export const workdays = pgTable('workdays', {
  date: date({ mode: 'string' }).primaryKey(),
  workday: integer().notNull(),
  ordinal: integer().notNull(),
});
