import { and, asc, eq, getTableColumns, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.js';
import type { Db } from '../db.js';
import type { Messenger } from '../lark/messenger.js';
import type { Logger } from '../log.js';
import { BackgroundLoop } from '../queue/loop.js';
import { Liveness, type LivenessOptions } from './liveness.js';
import { LARK_LIMITS, type RateLimiter, type RateLimits } from './rate-limit.js';
import { type OutboxRow, type Outcome, type SendContext, sendRow } from './send-row.js';
import { SharedRateLimiter } from './shared-rate.js';

export { GIVE_UP_AFTER_MS, type OutboxRow, UUID_WINDOW_MS } from './send-row.js';

/** A backstop only: a live instance's claim is held by its heartbeat, not by this. */
const LEASE_MS = 5 * 60_000;
const BATCH = 25;
const CONCURRENCY = 8;

export interface DispatchResult {
  sent: number;
  retried: number;
  failed: number;
  givenUp: number;
  local: number;
}

export interface DispatcherDeps extends LivenessOptions {
  db: Db;
  messenger: Messenger;
  log: Logger;
  /** Its limits are the shared limits' default (the in-process limiter itself is not consulted). */
  limiter?: RateLimiter;
  /** Lark's limits, counted across every instance on the database. */
  limits?: RateLimits;
  /** Added to each rate window: Lark counts arrivals, and sends' latencies differ (default 100 ms). */
  rateMarginMs?: number;
  /** Longest wait for one send before it counts as a `maybe` failure (default 15 s). */
  sendTimeoutMs?: number;
  /** Told when a message is refused for good (staff and admins, in an hourly digest). */
  onPermanentFailure?: (row: OutboxRow, reason: string) => Promise<void>;
  clock?: () => Date;
}

const claimColumns = (() => {
  const { attachment: _bytes, ...rest } = getTableColumns(outbox);
  return rest;
})();

/**
 * Sends what the outbox holds. Rows are claimed with FOR UPDATE SKIP LOCKED for this instance;
 * the claim lasts while the instance's heartbeat does, so a killed instance's rows are taken over
 * within seconds and re-sent under the same uuid (docs/decisions/0007-outbox-recovery.md).
 * One lane per receiver keeps a conversation in order; a hung lane never holds up the others.
 */
export class Dispatcher {
  readonly live: Liveness;
  private readonly rates: SharedRateLimiter;
  private readonly ctx: SendContext;
  private stopping = false;
  private rescan: (() => void) | undefined;
  private readonly loop = new BackgroundLoop<DispatchResult>(
    () => this.runOnce(),
    (e) => {
      this.deps.log.error({ action: 'outbox.dispatch', err: e }, 'dispatch failed');
      return zero();
    },
  );

  constructor(private readonly deps: DispatcherDeps) {
    const clock = () => this.now();
    this.live = new Liveness(deps.db, deps.log, clock, deps);
    this.rates = new SharedRateLimiter(
      deps.db,
      deps.limits ?? deps.limiter?.limits ?? LARK_LIMITS,
      () => this.now().getTime(),
      // Lark counts arrivals: the margin absorbs the jitter between booking a slot and the request
      // reaching Lark (the two-instance bench saw up to ~300 ms under load with 100 ms).
      deps.rateMarginMs ?? 300,
    );
    this.ctx = {
      db: deps.db,
      messenger: deps.messenger,
      log: deps.log,
      rates: this.rates,
      instanceId: this.live.id,
      sendTimeoutMs: deps.sendTimeoutMs ?? 15_000,
      clock,
      onPermanentFailure: deps.onPermanentFailure,
    };
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** Claims due rows for this instance (never their attachment bytes). */
  async claim(at: Date, limit = BATCH): Promise<OutboxRow[]> {
    const now = this.now();
    return this.deps.db.transaction(async (tx) => {
      await this.live.beat(tx);
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            eq(outbox.status, 'pending'),
            // A new row is due at once whatever the clock says (jobs may run with --at in the
            // past); only retries wait for their time.
            or(eq(outbox.attempts, 0), lte(outbox.nextAttemptAt, at)),
            or(this.live.free(outbox.claimedBy), lt(outbox.leaseUntil, now)),
          ),
        )
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      const rows = await tx
        .update(outbox)
        .set({
          claimedBy: this.live.id,
          leaseUntil: new Date(now.getTime() + LEASE_MS),
          attempts: sql`${outbox.attempts} + 1`,
          firstAttemptAt: sql`coalesce(${outbox.firstAttemptAt}, ${at.toISOString()}::timestamptz)`,
        })
        .where(
          inArray(
            outbox.id,
            due.map((d) => d.id),
          ),
        )
        .returning(claimColumns);
      // Oldest first, as selected: lanes keep that order.
      const order = new Map(due.map((d, i) => [d.id, i]));
      return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    });
  }

  /** Sends everything due now, then returns. */
  runOnce(at?: Date): Promise<DispatchResult> {
    return this.live.hold(() => this.drain(at));
  }

  private async drain(at?: Date): Promise<DispatchResult> {
    const result = zero();
    const lanes = new Map<string, OutboxRow[]>();
    const active = new Set<string>();
    let inFlight = 0;
    let more = true;
    let sweep = false;
    let signal = () => {};
    const changed = () => new Promise<void>((r) => (signal = r));
    const myRescan = () => {
      more = true;
      signal();
    };
    this.rescan = myRescan;
    const runLane = async (key: string) => {
      const rows = lanes.get(key)!;
      for (let row = rows.shift(); row && !this.stopping; row = rows.shift()) {
        result[await this.sendSafely(row, at ?? this.now())]++;
        inFlight--;
        signal();
      }
      lanes.delete(key);
      active.delete(key);
      signal();
    };
    const startLanes = () => {
      for (const key of lanes.keys()) {
        if (active.size >= CONCURRENCY) return;
        if (active.has(key)) continue;
        active.add(key);
        void runLane(key);
      }
    };
    try {
      for (;;) {
        if (more && !this.stopping && inFlight < BATCH) {
          const limit = BATCH - inFlight;
          const rows = await this.claim(at ?? this.now(), limit);
          // Fewer than asked can mean rows locked by another instance's claim: look once more
          // when the lanes are done, and end only when a claim finds nothing.
          more = rows.length === limit;
          sweep = rows.length > 0;
          for (const row of rows) {
            const key = row.rateKey ?? row.id;
            // Appended in place: a running lane holds this very array.
            const lane = lanes.get(key);
            if (lane) lane.push(row);
            else lanes.set(key, [row]);
            inFlight++;
          }
          startLanes();
          if (more && inFlight < BATCH) continue;
        }
        if (active.size === 0 && !more && sweep && !this.stopping) {
          more = true;
          continue;
        }
        if (active.size === 0 && (!more || this.stopping)) break;
        const next = changed();
        // Rows of other receivers that became due meanwhile are claimed on the next kick.
        await next;
        startLanes();
      }
    } finally {
      if (this.rescan === myRescan) this.rescan = undefined;
    }
    return result;
  }

  private async sendSafely(row: OutboxRow, now: Date): Promise<Outcome> {
    try {
      return await sendRow(this.ctx, row, now);
    } catch (e) {
      this.deps.log.error({ action: 'outbox.send', outboxId: row.id, err: e }, 'send failed');
      return 'retried';
    }
  }

  /** Background loop: wakes on kick() and every few seconds for retries. */
  start(intervalMs = 2000): void {
    this.stopping = false;
    this.loop.start(intervalMs);
  }

  /** Runs soon; concurrent kicks coalesce into one more run (and a running one claims again). */
  kick(): Promise<DispatchResult> | undefined {
    this.rescan?.();
    return this.loop.kick();
  }

  /**
   * Stops claiming, waits up to graceMs for sends in flight, then releases this instance's claims
   * so another instance takes them at once (a send still in flight is deduplicated by its uuid).
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    this.rescan?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop.stop(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    try {
      await this.deps.db
        .update(outbox)
        .set({ claimedBy: null, leaseUntil: null })
        .where(and(eq(outbox.claimedBy, this.live.id), eq(outbox.status, 'pending')));
      await this.live.retire();
    } catch (e) {
      this.deps.log.warn({ action: 'outbox.release', err: e }, 'could not release claims');
    }
  }
}

function zero(): DispatchResult {
  return { sent: 0, retried: 0, failed: 0, givenUp: 0, local: 0 };
}
