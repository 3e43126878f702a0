import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { jobs } from '../../db/schema/index.js';
import type { Conn, Db, Tx } from '../db.js';
import { errorText, type Logger } from '../log.js';
import { Liveness, type LivenessOptions } from '../outbox/liveness.js';
import { BackgroundLoop } from './loop.js';

/**
 * The `jobs` table runner: slow work an event or a click queued in its own transaction
 * run after the webhook was answered. Claimed like the outbox, with FOR UPDATE SKIP LOCKED for
 * this instance, held while its heartbeat lasts: two instances never run the same job, and a
 * killed instance's job is taken over within seconds (docs/decisions/0007-outbox-recovery.md).
 *
 * status: pending (incl. while leased) → done | failed.
 */

/** A backstop only (a live instance's claim is held by its heartbeat): long enough for a 20 MB download. */
const LEASE_MS = 5 * 60_000;
const BATCH = 5;
export const MAX_ATTEMPTS = 5;

export type JobRow = typeof jobs.$inferSelect;

/** One run of a job, as its handler sees it. */
export interface JobRun {
  id: string;
  /** 1 on the first run. */
  attempts: number;
  /** The run's clock (jobs take it as a parameter, docs/domain.md "Deadlines and workdays"). */
  now: Date;
  /**
   * Commits the job's effects and marks it done in one transaction, so a crash either
   * keeps both or neither. Refused (and rolled back) if another instance took the job over.
   */
  finish(fn: (tx: Tx) => Promise<void>): Promise<void>;
}

export interface JobHandler {
  /** Throw to retry with backoff; throw PermanentJobError to fail at once. */
  run(payload: unknown, job: JobRun): Promise<void>;
  /** Told once when the job fails for good, in the transaction that marks it failed (tell the person). */
  onFailed?(payload: unknown, error: unknown, tx: Tx, now: Date): Promise<void>;
}

/** A failure retrying cannot fix; the message is shown to the person as is. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

class LeaseLost extends Error {}

export interface QueueDeps extends LivenessOptions {
  db: Db;
  log: Logger;
  handlers: Record<string, JobHandler>;
  clock?: () => Date;
  /** Called after a run that did something (wake the outbox dispatcher: the job queued messages). */
  onWork?: () => void;
}

export interface QueueResult {
  done: number;
  retried: number;
  failed: number;
}

/** Inserts a job in the caller's transaction: it runs only if that transaction commits. */
export async function enqueueJob(conn: Conn, kind: string, payload: unknown): Promise<string> {
  const [row] = await conn
    .insert(jobs)
    .values({ kind, payload: JSON.stringify(payload) })
    .returning({ id: jobs.id });
  return row!.id;
}

export function backoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 15_000 * 2 ** Math.max(0, attempts - 1));
}

export class JobQueue {
  private readonly loop = new BackgroundLoop<QueueResult>(
    () => this.runOnce(),
    (e) => {
      this.deps.log.error({ action: 'jobs.run', err: e }, 'queue failed');
      return { done: 0, retried: 0, failed: 0 };
    },
  );

  readonly live: Liveness;
  private stopping = false;

  constructor(private readonly deps: QueueDeps) {
    this.live = new Liveness(deps.db, deps.log, () => deps.clock?.() ?? new Date(), deps);
  }

  /** Claims due jobs for this instance: claimedBy + heartbeat is the claim, attempts the fencing token. */
  async claim(now: Date, limit = BATCH): Promise<JobRow[]> {
    const real = this.deps.clock?.() ?? new Date();
    return this.deps.db.transaction(async (tx) => {
      await this.live.beat(tx);
      const due = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            eq(jobs.status, 'pending'),
            // New work is due at once whatever the clock says (--at may lie in the past).
            or(eq(jobs.attempts, 0), lte(jobs.runAt, now)),
            or(this.live.free(jobs.claimedBy), lt(jobs.leaseUntil, real)),
          ),
        )
        .orderBy(asc(jobs.runAt), asc(jobs.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return (
        tx
          .update(jobs)
          // runAt = the claim's clock: if this instance dies, the job is due again at once.
          .set({
            claimedBy: this.live.id,
            leaseUntil: new Date(real.getTime() + LEASE_MS),
            runAt: now,
            attempts: sql`${jobs.attempts} + 1`,
          })
          .where(
            inArray(
              jobs.id,
              due.map((d) => d.id),
            ),
          )
          .returning()
      );
    });
  }

  /** Runs everything due now, one job at a time (downloads are memory-heavy), then returns. */
  runOnce(at?: Date): Promise<QueueResult> {
    return this.live.hold(() => this.drain(at));
  }

  private async drain(at?: Date): Promise<QueueResult> {
    const result: QueueResult = { done: 0, retried: 0, failed: 0 };
    for (;;) {
      const now = at ?? this.deps.clock?.() ?? new Date();
      if (this.stopping) break;
      const rows = await this.claim(now);
      for (const row of rows) {
        if (this.stopping) break;
        const outcome = await this.runOne(row, now);
        if (outcome !== 'lost') result[outcome]++;
      }
      if (rows.length < BATCH) break;
    }
    if (result.done + result.failed > 0) this.deps.onWork?.();
    return result;
  }

  private async runOne(row: JobRow, now: Date): Promise<keyof QueueResult | 'lost'> {
    const { db, log } = this.deps;
    const started = performance.now();
    const handler = this.deps.handlers[row.kind];
    const mine = and(eq(jobs.id, row.id), eq(jobs.status, 'pending'), eq(jobs.attempts, row.attempts));
    let finished = false;
    const job: JobRun = {
      id: row.id,
      attempts: row.attempts,
      now,
      finish: async (fn) => {
        await db.transaction(async (tx) => {
          const [ok] = await tx
            .update(jobs)
            .set({ status: 'done', doneAt: now, leaseUntil: null, claimedBy: null, lastError: null })
            .where(mine)
            .returning({ id: jobs.id });
          if (!ok) throw new LeaseLost();
          await fn(tx);
        });
        finished = true;
      },
    };
    const line = (outcome: string, err?: unknown) =>
      log[err ? 'warn' : 'info'](
        {
          action: `job.${row.kind}`,
          jobId: row.id,
          attempt: row.attempts,
          outcome,
          ms: Math.round(performance.now() - started),
          ...(err ? { err: err instanceof Error ? err.message : String(err) } : {}),
        },
        'job',
      );
    let payload: unknown;
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${row.kind}`);
      payload = JSON.parse(row.payload);
      // A job that keeps killing its instance comes back with its lease expired: stop it here.
      if (row.attempts > MAX_ATTEMPTS) throw new PermanentJobError('attempts exhausted');
      await handler.run(payload, job);
      if (!finished) await job.finish(async () => {});
      line('done');
      return 'done';
    } catch (e) {
      if (e instanceof LeaseLost) {
        line('lease_lost', e);
        return 'lost';
      }
      const err = errorText(e);
      if (!(e instanceof PermanentJobError) && row.attempts < MAX_ATTEMPTS) {
        const runAt = new Date(now.getTime() + backoffMs(row.attempts));
        await db
          .update(jobs)
          .set({ leaseUntil: null, claimedBy: null, runAt, lastError: err.slice(0, 500) })
          .where(mine);
        line('retry', e);
        return 'retried';
      }
      await db.transaction(async (tx) => {
        const [ok] = await tx
          .update(jobs)
          .set({
            status: 'failed',
            doneAt: now,
            leaseUntil: null,
            claimedBy: null,
            lastError: err.slice(0, 500),
          })
          .where(mine)
          .returning({ id: jobs.id });
        if (!ok || !handler?.onFailed) return;
        // In a savepoint: a failing notice must not leave the job claimable forever.
        await tx
          .transaction((sp) => handler.onFailed!(payload, e, sp, now))
          .catch((n) => log.error({ action: `job.${row.kind}`, jobId: row.id, err: n }, 'onFailed'));
      });
      line('failed', e);
      return 'failed';
    }
  }

  /** Background loop: wakes on kick() and every few seconds for retries. */
  start(intervalMs = 5000): void {
    this.stopping = false;
    this.loop.start(intervalMs);
  }

  /** Runs soon; concurrent kicks coalesce into one more run. */
  kick(): Promise<QueueResult> | undefined {
    return this.loop.kick();
  }

  /**
   * Stops claiming, waits up to graceMs for the job in progress, then releases this instance's
   * claims so another instance takes them at once (a job's finish() is fenced by its attempt).
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop.stop(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    try {
      await this.deps.db
        .update(jobs)
        .set({ claimedBy: null, leaseUntil: null })
        .where(and(eq(jobs.claimedBy, this.live.id), eq(jobs.status, 'pending')));
      await this.live.retire();
    } catch (e) {
      this.deps.log.warn({ action: 'jobs.release', err: e }, 'release');
    }
  }
}
