import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db.js';
import type { AppDeps } from '../deps.js';

/**
 * The figures GET /metrics reports. Outbox and job figures are read from the database on each
 * request, so every instance (and a Worker) reports the same. Labels are transports, kinds,
 * statuses and outcomes only: nothing names a person, a purpose or a command, so no series
 * singles out anonymous feedback (docs/decisions/0004-anonymity.md).
 */

export type Transport = 'webhook' | 'websocket';
export type IntakeKind = 'event' | 'card';
export type IntakeOutcome = 'ok' | 'duplicate' | 'ignored' | 'refused' | 'error';

const intake = new WeakMap<object, Map<string, number>>();

/** Counts one envelope by how it ended; `action` is reduced to an outcome before it is kept. */
export function observeIntake(
  deps: AppDeps,
  transport: Transport,
  kind: IntakeKind,
  action: string | undefined,
): void {
  const outcome: IntakeOutcome =
    action === 'duplicate' || action === 'ignored' || action === 'refused' || action === 'error'
      ? action
      : 'ok';
  const m = intake.get(deps) ?? new Map<string, number>();
  intake.set(deps, m);
  const key = `${transport}|${kind}|${outcome}`;
  m.set(key, (m.get(key) ?? 0) + 1);
}

export function intakeCounts(
  deps: AppDeps,
): { transport: Transport; kind: IntakeKind; outcome: IntakeOutcome; n: number }[] {
  return [...(intake.get(deps) ?? new Map<string, number>())].map(([k, n]) => {
    const [transport, kind, outcome] = k.split('|') as [Transport, IntakeKind, IntakeOutcome];
    return { transport, kind, outcome, n };
  });
}

export interface DbFigures {
  outbox: { status: string; n: number }[];
  /** Seconds since the oldest pending outbox row was written (0 when none). */
  outboxOldestPendingSeconds: number;
  jobs: { kind: string; status: string; n: number }[];
  jobsOldestPendingSeconds: number;
  /** Server connections to this database by state (all instances); undefined on PGlite. */
  connections: { state: string; n: number }[] | undefined;
  pingSeconds: number;
}

export async function readDbFigures(db: Db, at: Date): Promise<DbFigures> {
  const t0 = performance.now();
  await db.execute(sql`select 1`);
  const pingSeconds = (performance.now() - t0) / 1000;
  const iso = at.toISOString();
  const outbox = rowsOf<{ status: string; n: number | string; oldest: number | string | null }>(
    await db.execute(sql`select status, count(*)::int as n,
      extract(epoch from (${iso}::timestamptz - min(created_at)))::float8 as oldest
      from outbox group by status`),
  );
  const jobs = rowsOf<{ kind: string; status: string; n: number | string; oldest: number | string | null }>(
    await db.execute(sql`select kind, status, count(*)::int as n,
      extract(epoch from (${iso}::timestamptz - min(created_at)))::float8 as oldest
      from jobs group by kind, status`),
  );
  let connections: DbFigures['connections'];
  try {
    const rows = rowsOf<{ state: string | null; n: number | string }>(
      await db.execute(sql`select coalesce(state, 'unknown') as state, count(*)::int as n
        from pg_stat_activity where datname = current_database() group by 1`),
    );
    connections = rows.length ? rows.map((r) => ({ state: String(r.state), n: Number(r.n) })) : undefined;
  } catch {
    connections = undefined;
  }
  const oldest = (rows: { status: string; oldest: number | string | null }[]) =>
    Math.max(0, ...rows.filter((r) => r.status === 'pending').map((r) => Number(r.oldest ?? 0)));
  return {
    outbox: outbox.map((r) => ({ status: r.status, n: Number(r.n) })),
    outboxOldestPendingSeconds: oldest(outbox),
    jobs: jobs.map((r) => ({ kind: r.kind, status: r.status, n: Number(r.n) })),
    jobsOldestPendingSeconds: oldest(jobs),
    connections,
    pingSeconds,
  };
}
