import { bigint, bigserial, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained: hash = sha256(prevHash ‖ canonical row). Appends are
 * serialized by locking the single audit_head row, so concurrent writers cannot fork the chain.
 * actorOpenId is null and actorName '匿名' for anonymous submissions.
 */
export const auditLog = pgTable('audit_log', {
  seq: bigserial({ mode: 'number' }).primaryKey(),
  at: timestamp({ withTimezone: true }).notNull(),
  actorOpenId: text(),
  actorName: text().notNull(),
  action: text().notNull(),
  subjectType: text().notNull(),
  subjectId: text(),
  before: jsonb(),
  after: jsonb(),
  prevHash: text().notNull(),
  hash: text().notNull(),
});

export const auditHead = pgTable('audit_head', {
  id: integer().primaryKey(),
  seq: bigint({ mode: 'number' }).notNull().default(0),
  hash: text().notNull(),
});
