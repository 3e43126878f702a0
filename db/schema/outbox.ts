import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Every message to Lark is a row here, written in the transaction of the change
 * that caused it, then sent by the dispatcher (see docs/decisions/0002-outbox.md).
 *
 * kind: send (new message) | reply (to message_id) | patch (update a card message)
 *       | card_update (delayed update by callback token) | upload_file (upload then send)
 * status: pending → sent | failed (permanent Lark error) | given_up (unconfirmed past
 *         the uuid dedup window, or an expired card patch) | local (local mode: kept, not sent)
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    receiveIdType: text(),
    receiveId: text(),
    targetMessageId: text(),
    /** Who Lark counts the 5 msg/s limit against: the receiver or the chat of the replied-to message. */
    rateKey: text(),
    msgType: text().notNull(),
    content: text().notNull(),
    /** Files to upload before sending (kind upload_file): base64 bytes. */
    attachment: text(),
    attachmentName: text(),
    purpose: text().notNull().default('reply'),
    problemId: integer(),
    /** For cards about a problem: the person the card was built for (patches rebuild it for them). */
    audience: text(),
    /** Erase the receiver once delivered or given up (anonymous receipts). */
    eraseReceiver: boolean().notNull().default(false),
    status: text().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp({ withTimezone: true }),
    firstAttemptAt: timestamp({ withTimezone: true }),
    lastError: text(),
    errorCode: integer(),
    sentMessageId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('outbox_problem_idx').on(t.problemId),
    // Evidence replies find the card they answer by its Lark message id.
    index('outbox_sent_message_idx').on(t.sentMessageId),
  ],
);

/** Slow work that must not hold up a webhook answer (downloads, fan-out), committed with the event. */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    payload: text().notNull(),
    status: text().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('jobs_due_idx').on(t.runAt).where(sql`status = 'pending'`)],
);
