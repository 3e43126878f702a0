import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Every message to Lark is a row here, written in the transaction of the change
 * that caused it, then sent by the dispatcher (see docs/decisions/0002-outbox.md).
 *
 * kind: send (new message) | reply (to message_id) | patch (update a card message)
 *       | card_update (delayed update by callback token) | upload_file (upload then send)
 *       | urgent_app / urgent_sms (加急 on the message of the row named in content `{after}`, once sent)
 *       | task_create (Tasks v2; content the body) | task_patch / task_delete / task_add_members /
 *         task_remove_members (on the task of the task_create row in content `{after, body}`)
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
    /** The instance (row in `instances`) holding the claim; taken over once its heartbeat stops. */
    claimedBy: text(),
    /** First attempt under the current uuid (Lark dedups a uuid for one hour from then). */
    firstAttemptAt: timestamp({ withTimezone: true }),
    /** Lark's uuid when no longer the row id: a new one past the dedup window (docs/decisions/0007-outbox-recovery.md). */
    sendUuid: uuid(),
    /** An attempt under the current uuid may have reached Lark (timeout after sending, reset mid-response). */
    mayHaveArrived: boolean().notNull().default(false),
    /** Marked 重发 when sent: an earlier attempt under another uuid may have arrived. */
    resend: boolean().notNull().default(false),
    /** One entry per failed attempt: { at, kind: unreached | maybe | refused, code? }. */
    attemptLog: jsonb().$type<{ at: string; kind: string; code?: number }[]>().notNull().default([]),
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

/** Live dispatcher and queue instances: a claim is held while its instance's heartbeat is fresh. */
export const instances = pgTable('instances', {
  id: text().primaryKey(),
  heartbeatAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Booked send slots shared by all instances (Lark's per-app and per-receiver limits). key is a
 * receiver's rate key or '*' for the app; at is epoch milliseconds. Rows older than a minute go.
 */
export const sendSlots = pgTable(
  'send_slots',
  {
    id: serial().primaryKey(),
    key: text().notNull(),
    at: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index('send_slots_key_at_idx').on(t.key, t.at)],
);

/** One row serializes slot bookings across instances (a row lock, held for one short transaction). */
export const sendSlotLock = pgTable('send_slot_lock', { id: integer().primaryKey() });

/** Messages Lark refused for good, told to staff in one digest per hour. */
export const deliveryFailures = pgTable('delivery_failures', {
  id: serial().primaryKey(),
  at: timestamp({ withTimezone: true }).notNull(),
  /** Who it was for, as staff read it; '（匿名回执）' for anonymous receipts. */
  receiver: text().notNull(),
  purpose: text().notNull(),
  reason: text().notNull(),
  digestedAt: timestamp({ withTimezone: true }),
});
