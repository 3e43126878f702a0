import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per Lark delivery we have acted on. Lark redelivers an event after
 * 15 s, 5 min, 1 h and 6 h, so rows are kept at least 24 h (purged after 7 days).
 * Only the id and its kind are kept: the payload may identify an anonymous sender.
 */
export const processedEvents = pgTable(
  'processed_events',
  {
    eventId: text().primaryKey(),
    kind: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('processed_events_received_at_idx').on(t.receivedAt)],
);
