import { boolean, date, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * 匿名反馈. Anonymity is a property of the whole database (docs/decisions/0004-anonymity.md):
 * this row keeps only the text, a hash of the receipt code and the day it came (no time, no
 * sender, no message id); the receipt leaves through an outbox row whose receiver is erased.
 */
export const anonymousFeedback = pgTable(
  'anonymous_feedback',
  {
    /** Random, not serial: a serial would order submissions among each other and other tables. */
    id: uuid().primaryKey().defaultRandom(),
    receiptHash: text().notNull(),
    text: text().notNull(),
    receivedOn: date({ mode: 'string' }).notNull(),
    /** new | converted | dismissed */
    status: text().notNull().default('new'),
    problemId: integer(),
    decisionReason: text(),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true }),
    /** Its day's audit row was appended by the daily batch (src/services/feedback.ts, sealFeedback). */
    audited: boolean().notNull().default(false),
  },
  (t) => [uniqueIndex('anonymous_feedback_receipt_uq').on(t.receiptHash)],
);
