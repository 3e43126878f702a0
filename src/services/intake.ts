import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { outbox, processedEvents } from '../../db/schema/index.js';
import { type Db, rowsOf, type Tx } from '../db.js';

/**
 * Exactly-once intake: the event id and everything the event causes commit together.
 * A redelivery finds the id and does nothing; a failure rolls both back, so Lark's retry
 * is processed as if new. Concurrent duplicates wait on the primary key and then see it.
 */
export async function processOnce<T, P = undefined>(
  db: Db,
  eventId: string,
  kind: string,
  fn: (tx: Tx, prefetched: P | undefined) => Promise<T>,
  /**
   * A read issued together with the event-id insert: postgres.js pipelines both on the
   * transaction's connection, one round trip instead of two. Its result is unused for a duplicate.
   */
  prefetch?: (tx: Tx) => Promise<P>,
): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
  return db.transaction(async (tx) => {
    // Raw and prepared: this runs for every event Lark delivers. The time is kept to the hour for
    // every event: at its exact instant, an anonymous message would be the one event whose outbox
    // row (the receipt, deleted once sent) is missing (docs/decisions/0004-anonymity.md).
    const insert = tx.execute(
      sql`insert into processed_events (event_id, kind, received_at) values (${eventId}, ${kind}, date_trunc('hour', now())) on conflict do nothing returning event_id`,
    );
    const pre = prefetch?.(tx);
    const [inserted, prefetched] = await Promise.all([insert.then((r) => rowsOf(r)), pre]);
    if (inserted.length === 0) return { duplicate: true as const };
    return { duplicate: false as const, value: await fn(tx, prefetched) };
  });
}

/** Lark retries for about 7 hours; ids are kept 7 days, then purged. */
export async function purgeProcessedEvents(db: Db, now: Date, keepDays = 7): Promise<void> {
  await db
    .delete(processedEvents)
    .where(lt(processedEvents.receivedAt, new Date(now.getTime() - keepDays * 86_400_000)));
}

/**
 * Anonymous receipts that never settled (still retrying, or held in local mode) lose their
 * receiver after 24 hours at the latest: the row is deleted (docs/decisions/0004-anonymity.md).
 */
export async function purgeAnonymousReceipts(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(outbox)
    .where(and(eq(outbox.eraseReceiver, true), lt(outbox.createdAt, new Date(now.getTime() - 24 * 3600_000))))
    .returning({ id: outbox.id });
  return gone.length;
}

/**
 * Only if no key is configured (the entry points always set one): dedup then holds per process.
 * Made on first use: Workers refuse random values at module scope.
 */
let fallbackKey: Buffer | undefined;

/**
 * The id an anonymous delivery is remembered by: an HMAC of Lark's event id, keyed by
 * APP_SECRET_KEY, written in the same shape (a letter prefix such as `ev_` kept, then the same
 * kind of character at each place), so its processed_events row looks like any other and cannot
 * be matched with Lark's event log (docs/decisions/0004-anonymity.md).
 */
export function anonymousEventId(eventId: string, key: string | undefined): string {
  const prefix = /^[A-Za-z]+_/.exec(eventId)?.[0] ?? '';
  const rest = eventId.slice(prefix.length);
  if (!key) fallbackKey ??= randomBytes(32);
  const digest = createHmac('sha256', key ?? fallbackKey!)
    .update(eventId)
    .digest();
  const hex = /^[0-9a-f]+$/.test(rest);
  const pick = (alphabet: string, i: number) => alphabet[digest[i % digest.length]! % alphabet.length]!;
  const out = [...rest].map((c, i) => {
    if (hex) return pick('0123456789abcdef', i);
    if (/[0-9]/.test(c)) return pick('0123456789', i);
    if (/[a-z]/.test(c)) return pick('abcdefghijklmnopqrstuvwxyz', i);
    if (/[A-Z]/.test(c)) return pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ', i);
    return c;
  });
  return prefix + out.join('');
}
