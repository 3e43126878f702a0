import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.js';
import type { Db } from '../db.js';
import { BackgroundLoop } from '../jobs/loop.js';
import type { DeliveryOutcome, Messenger, Outgoing } from '../lark/messenger.js';
import type { Logger } from '../log.js';
import { RateLimiter } from './rate-limit.js';

/** Lark drops a repeated uuid for one hour; past that a resend could duplicate, so we stop short of it. */
export const UUID_WINDOW_MS = 55 * 60_000;
const LEASE_MS = 60_000;
const BATCH = 25;
const CONCURRENCY = 8;

export type OutboxRow = typeof outbox.$inferSelect;

export interface DispatchResult {
  sent: number;
  retried: number;
  failed: number;
  givenUp: number;
  local: number;
}

export interface DispatcherDeps {
  db: Db;
  messenger: Messenger;
  log: Logger;
  limiter?: RateLimiter;
  /** Told when a message is refused for good (staff and admins). */
  onPermanentFailure?: (row: OutboxRow, reason: string) => Promise<void>;
  clock?: () => Date;
}

function backoffMs(attempts: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends what the outbox holds. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease,
 * so two instances never send the same row and a crashed instance's claim expires.
 */
export class Dispatcher {
  private readonly limiter: RateLimiter;
  private readonly loop = new BackgroundLoop<DispatchResult>(
    () => this.runOnce(),
    (e) => {
      this.deps.log.error({ action: 'outbox.dispatch', err: e }, 'dispatch failed');
      return { sent: 0, retried: 0, failed: 0, givenUp: 0, local: 0 };
    },
  );

  constructor(private readonly deps: DispatcherDeps) {
    this.limiter = deps.limiter ?? new RateLimiter();
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** Claims due rows for this instance. */
  async claim(now: Date, limit = BATCH): Promise<OutboxRow[]> {
    const { db } = this.deps;
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            eq(outbox.status, 'pending'),
            // A new row is due at once whatever the clock says (jobs may run with --at in the
            // past); only retries wait for their time.
            or(eq(outbox.attempts, 0), lte(outbox.nextAttemptAt, now)),
            or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now)),
          ),
        )
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(outbox)
        .set({
          leaseUntil: new Date(now.getTime() + LEASE_MS),
          attempts: sql`${outbox.attempts} + 1`,
          firstAttemptAt: sql`coalesce(${outbox.firstAttemptAt}, ${now.toISOString()}::timestamptz)`,
        })
        .where(
          inArray(
            outbox.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
    });
  }

  /** Sends everything due now, then returns. */
  async runOnce(at?: Date): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, retried: 0, failed: 0, givenUp: 0, local: 0 };
    for (;;) {
      const now = at ?? this.now();
      const rows = await this.claim(now);
      if (rows.length === 0) break;
      // One lane per receiver keeps a conversation in order; lanes run side by side.
      const lanes = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        const key = row.rateKey ?? row.id;
        lanes.set(key, [...(lanes.get(key) ?? []), row]);
      }
      await pool([...lanes.values()], CONCURRENCY, async (lane) => {
        for (const row of lane) result[await this.deliverOne(row, now)]++;
      });
      if (rows.length < BATCH) break;
    }
    return result;
  }

  private async deliverOne(row: OutboxRow, now: Date): Promise<keyof DispatchResult> {
    const { db, log } = this.deps;
    const first = row.firstAttemptAt ?? now;
    if (row.attempts > 1 && now.getTime() - first.getTime() > UUID_WINDOW_MS) {
      // Still unconfirmed after Lark's dedup window: a resend might duplicate. Flag it instead.
      await this.finish(row, {
        status: 'given_up',
        lastError: '超过一小时仍未确认送达，为避免重复发送已停止重试',
      });
      log.warn(
        { action: 'outbox.given_up', outboxId: row.id, purpose: row.purpose },
        'unconfirmed past uuid window',
      );
      await this.deps.onPermanentFailure?.(row, '超过一小时仍未确认送达');
      return 'givenUp';
    }
    const wait = this.limiter.reserve(row.rateKey ?? row.receiveId ?? 'app');
    if (wait > 0) await sleep(wait);
    const started = Date.now();
    let outcome: DeliveryOutcome;
    try {
      outcome = await this.deps.messenger.deliver(toOutgoing(row));
    } catch (e) {
      outcome = { ok: false, retry: true, error: e instanceof Error ? e.message : String(e) };
    }
    const ms = Date.now() - started;
    if (outcome.ok) {
      await this.finish(row, {
        status: outcome.local ? 'local' : 'sent',
        sentMessageId: outcome.messageId ?? null,
        sentAt: this.now(),
      });
      log.info(
        { action: 'outbox.sent', outboxId: row.id, purpose: row.purpose, local: outcome.local, ms },
        'sent',
      );
      return outcome.local ? 'local' : 'sent';
    }
    if (outcome.retry) {
      const delay = outcome.waitMs ?? backoffMs(row.attempts);
      await db
        .update(outbox)
        .set({
          leaseUntil: null,
          nextAttemptAt: new Date(now.getTime() + delay),
          lastError: outcome.error,
          errorCode: outcome.code ?? null,
        })
        .where(eq(outbox.id, row.id));
      log.warn(
        { action: 'outbox.retry', outboxId: row.id, code: outcome.code, delayMs: delay, ms },
        'will retry',
      );
      return 'retried';
    }
    if (outcome.expired) {
      // Lark accepts patches for 14 days only: an old card is given up, not retried.
      await this.finish(row, {
        status: 'given_up',
        lastError: outcome.error,
        errorCode: outcome.code ?? null,
      });
      log.info(
        { action: 'outbox.patch_expired', outboxId: row.id, code: outcome.code },
        'card too old to patch',
      );
      return 'givenUp';
    }
    await this.finish(row, { status: 'failed', lastError: outcome.error, errorCode: outcome.code ?? null });
    log.warn(
      { action: 'outbox.failed', outboxId: row.id, purpose: row.purpose, code: outcome.code },
      outcome.error,
    );
    await this.deps.onPermanentFailure?.(row, outcome.error);
    return 'failed';
  }

  private async finish(row: OutboxRow, set: Partial<typeof outbox.$inferInsert>) {
    if (row.eraseReceiver) {
      // Anonymous receipts: once settled, nothing of the row may remain — not the receiver (the
      // sender's open_id), not the content, not the message id (Lark's API would lead back to
      // the chat). See docs/decisions/0004-anonymity.md.
      await this.deps.db.delete(outbox).where(eq(outbox.id, row.id));
      return;
    }
    await this.deps.db
      .update(outbox)
      .set({ ...set, leaseUntil: null })
      .where(eq(outbox.id, row.id));
  }

  /** Background loop: wakes on kick() and every few seconds for retries. */
  start(intervalMs = 2000): void {
    this.loop.start(intervalMs);
  }

  /** Runs soon; concurrent kicks coalesce into one more run. */
  kick(): Promise<DispatchResult> | undefined {
    return this.loop.kick();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}

function toOutgoing(row: OutboxRow): Outgoing {
  return {
    id: row.id,
    kind: row.kind,
    receiveIdType: row.receiveIdType,
    receiveId: row.receiveId,
    targetMessageId: row.targetMessageId,
    msgType: row.msgType,
    content: row.content,
    attachment: row.attachment,
    attachmentName: row.attachmentName,
    eraseReceiver: row.eraseReceiver,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) {
      const item = items[i++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
