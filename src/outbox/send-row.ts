import { randomUUID } from 'node:crypto';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.js';
import type { Db } from '../db.js';
import type { DeliveryOutcome, Messenger, Outgoing } from '../lark/messenger.js';
import { errorText, type Logger } from '../log.js';
import { type AttemptEntry, attemptKind, firstFailureAt, markResend } from './attempts.js';
import type { SharedRateLimiter } from './shared-rate.js';
import { followTarget, recordTaskGuid } from './tasks.js';
import { URGENT_KINDS, type UrgentTarget } from './urgent.js';

/** Lark drops a repeated uuid for one hour; past that a re-send goes under a new uuid. */
export const UUID_WINDOW_MS = 55 * 60_000;
/** A row still unsent after this long is given up (anonymous receipts go after 24 h anyway). */
export const GIVE_UP_AFTER_MS = 72 * 3600_000;

/** An outbox row as claimed: everything but the attachment bytes (loaded for the row being sent). */
export type OutboxRow = Omit<typeof outbox.$inferSelect, 'attachment'>;
export type Outcome = 'sent' | 'retried' | 'failed' | 'givenUp' | 'local';

export interface SendContext {
  db: Db;
  messenger: Messenger;
  log: Logger;
  rates: SharedRateLimiter;
  instanceId: string;
  sendTimeoutMs: number;
  clock: () => Date;
  onPermanentFailure?: (row: OutboxRow, reason: string) => Promise<void>;
}

function backoffMs(attempts: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Sends one claimed row and settles or reschedules it. `now` is the run's (business) clock. */
export async function sendRow(c: SendContext, row: OutboxRow, now: Date): Promise<Outcome> {
  const { db, log } = c;
  // Measured from the first failed attempt on the dispatcher's clock (jobs may run with --at, tests
  // with a fixed clock), not from createdAt, which the database stamps.
  const firstFailure = firstFailureAt(row.attemptLog);
  if (Number.isFinite(firstFailure) && now.getTime() - firstFailure > GIVE_UP_AFTER_MS) {
    await settle(c, row, { status: 'given_up', lastError: '长时间未能送达，已停止重试' });
    log.warn({ action: 'outbox.given_up', outboxId: row.id, purpose: row.purpose }, 'too old');
    await c.onPermanentFailure?.(row, '长时间未能送达');
    return 'givenUp';
  }
  const target = await followTarget(db, row);
  if (target && target.state !== 'sent') return holdUrgent(c, row, now, target);
  if (target?.state === 'sent') row = { ...row, targetMessageId: target.messageId };
  const first = row.firstAttemptAt ?? now;
  if (row.attempts > 1 && now.getTime() - first.getTime() > UUID_WINDOW_MS && row.kind !== 'patch') {
    // Past Lark's dedup window: a new uuid, marked 重发 if an earlier attempt may have arrived.
    row = { ...row, sendUuid: randomUUID(), resend: row.resend || row.mayHaveArrived, mayHaveArrived: false };
    row.firstAttemptAt = now;
    await db
      .update(outbox)
      .set({ sendUuid: row.sendUuid, resend: row.resend, mayHaveArrived: false, firstAttemptAt: now })
      .where(eq(outbox.id, row.id));
    log.info({ action: 'outbox.new_uuid', outboxId: row.id, resend: row.resend }, 'past dedup window');
  }
  // An anonymous receipt's receiver is never written anywhere, not even as a rate key
  // (docs/decisions/0004-anonymity.md): it books the app's slot only.
  const wait = await c.rates.reserve(row.eraseReceiver ? null : (row.rateKey ?? row.receiveId ?? 'app'));
  if (wait > 0) await sleep(wait);
  const started = Date.now();
  const outcome = await deliverWithin(c, await toOutgoing(db, row));
  const ms = Date.now() - started;
  if (outcome.ok) {
    await settle(c, row, {
      status: outcome.local ? 'local' : 'sent',
      sentMessageId: outcome.messageId ?? null,
      sentAt: c.clock(),
    });
    if (row.kind === 'task_create' && outcome.messageId) await recordTaskGuid(db, row.id, outcome.messageId);
    log.info(
      { action: 'outbox.sent', outboxId: row.id, purpose: row.purpose, local: outcome.local, ms },
      'sent',
    );
    return outcome.local ? 'local' : 'sent';
  }
  const kind = attemptKind(outcome);
  const entry: AttemptEntry = {
    at: c.clock().toISOString(),
    kind,
    ...(outcome.code ? { code: outcome.code } : {}),
  };
  const logged = sql`${outbox.attemptLog} || ${JSON.stringify([entry])}::jsonb`;
  if (outcome.retry) {
    const delay = outcome.waitMs ?? backoffMs(row.attempts);
    await db
      .update(outbox)
      .set({
        leaseUntil: null,
        claimedBy: null,
        nextAttemptAt: new Date(now.getTime() + delay),
        lastError: outcome.error,
        errorCode: outcome.code ?? null,
        attemptLog: logged,
        mayHaveArrived: kind === 'maybe' ? true : row.mayHaveArrived,
      })
      .where(and(eq(outbox.id, row.id), eq(outbox.claimedBy, c.instanceId)));
    log.warn(
      { action: 'outbox.retry', outboxId: row.id, code: outcome.code, kind, delayMs: delay, ms },
      'will retry',
    );
    return 'retried';
  }
  if (outcome.expired) {
    // Lark accepts patches for 14 days only: an old card is given up, not retried.
    await settle(c, row, { status: 'given_up', lastError: outcome.error, errorCode: outcome.code ?? null });
    log.info(
      { action: 'outbox.patch_expired', outboxId: row.id, code: outcome.code },
      'card too old to patch',
    );
    return 'givenUp';
  }
  await settle(c, row, {
    status: 'failed',
    lastError: outcome.error,
    errorCode: outcome.code ?? null,
    attemptLog: logged,
  });
  log.warn(
    { action: 'outbox.failed', outboxId: row.id, purpose: row.purpose, code: outcome.code },
    outcome.error,
  );
  // A refused urgent (quota, 200 unread, not the bot's message) is logged only: its message arrived.
  if (!URGENT_KINDS.has(row.kind)) await c.onPermanentFailure?.(row, outcome.error);
  return 'failed';
}

/**
 * An urgent (or a task call) whose message (task) is not sent yet waits for that message's next attempt, without counting
 * as a failure; one whose message went local or will never arrive settles with it.
 */
async function holdUrgent(
  c: SendContext,
  row: OutboxRow,
  now: Date,
  t: Exclude<UrgentTarget, { state: 'sent' }>,
): Promise<Outcome> {
  if (t.state === 'wait') {
    const next = new Date(Math.max(t.until.getTime(), now.getTime()) + 1000);
    await c.db
      .update(outbox)
      .set({ leaseUntil: null, claimedBy: null, nextAttemptAt: next })
      .where(and(eq(outbox.id, row.id), eq(outbox.claimedBy, c.instanceId)));
    return 'retried';
  }
  if (t.state === 'local') {
    await settle(c, row, { status: 'local' });
    return 'local';
  }
  await settle(c, row, { status: 'failed', lastError: t.reason });
  c.log.info({ action: 'outbox.urgent_dropped', outboxId: row.id }, t.reason);
  return 'failed';
}

/** The messenger's answer, or a `maybe` failure once sendTimeoutMs passed (the SDK has its own timeout). */
async function deliverWithin(c: SendContext, m: Outgoing): Promise<DeliveryOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DeliveryOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, retry: true, error: `no answer within ${c.sendTimeoutMs} ms` }),
      c.sendTimeoutMs,
    );
  });
  try {
    return await Promise.race([
      c.messenger.deliver(m).catch(
        (e): DeliveryOutcome => ({
          ok: false,
          retry: true,
          error: errorText(e),
        }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles a row: attachment bytes dropped; anonymous receipts deleted whole. */
type Settle = { [K in keyof typeof outbox.$inferInsert]?: (typeof outbox.$inferInsert)[K] | SQL };

async function settle(c: SendContext, row: OutboxRow, set: Settle) {
  if (row.eraseReceiver) {
    // Anonymous receipts: once settled, nothing of the row may remain — not the receiver (the
    // sender's open_id), not the content, not the message id (Lark's API would lead back to
    // the chat). See docs/decisions/0004-anonymity.md.
    await c.db.delete(outbox).where(eq(outbox.id, row.id));
    return;
  }
  await c.db
    .update(outbox)
    .set({ ...set, attachment: null, leaseUntil: null, claimedBy: null })
    .where(eq(outbox.id, row.id));
}

async function toOutgoing(db: Db, row: OutboxRow): Promise<Outgoing> {
  let attachment: string | null = null;
  if (row.attachmentName) {
    const [a] = await db.select({ attachment: outbox.attachment }).from(outbox).where(eq(outbox.id, row.id));
    attachment = a?.attachment ?? null;
  }
  return {
    // Lark's uuid: the row id, or a fresh one once past the dedup window.
    id: row.sendUuid ?? row.id,
    kind: row.kind,
    receiveIdType: row.receiveIdType,
    receiveId: row.receiveId,
    targetMessageId: row.targetMessageId,
    msgType: row.msgType,
    content: row.resend ? markResend(row.msgType, row.content) : row.content,
    attachment,
    attachmentName: row.attachmentName,
    eraseReceiver: row.eraseReceiver,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
