import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Keys of things that must happen once: a reminder (problem, kind, day, person), a weekly digest
 * (week, person). Inserted ON CONFLICT DO NOTHING in the job's transaction: a second run, or a
 * second instance, finds the key and sends nothing.
 */
export const deliveryKeys = pgTable('delivery_keys', {
  key: text().primaryKey(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
