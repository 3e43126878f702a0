/**
 * npm run bench [-- --duration 10 --connections 40 --only duban,tx,hono,sweep --experiments
 *                    --dispatch --log info --profile]
 *
 * Loads POST /lark/events of the real service on real PostgreSQL with distinct, signed, encrypted
 * /帮助 text-message events, then loads two baselines on the same machine with the same load:
 * a bare Hono endpoint and a Hono endpoint doing a three-statement transaction. Prints events/s,
 * p50/p99 and our rate as a ratio of each baseline; checks commit-before-answer; then runs the
 * reminder-sweep / digest benchmark (bench/sweep.ts); writes bench/results/<time>.json.
 *
 * Process layout: each server runs in its own child process (bench/server.ts) and autocannon runs
 * here. In one process the load generator and the server would share one event loop, and every
 * millisecond autocannon spends building and parsing requests would be charged to the server's
 * latency. Separate processes let the OS spread server, load generator and PostgreSQL over the two
 * cores; they still compete for them, but the baselines are measured under the same competition,
 * so the ratios compare like with like.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { openDatabase } from '../src/entry/database.js';
import { cpuPerRequest, cpuSnapshot } from './cpu.js';
import { type BenchEvent, makeEvents } from './events.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOAL = { eventsPerSecond: 1500, p99Ms: 100, sweepMs: 10_000, digestMs: 2_000 };
const WARMUP_SECONDS = 2;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '40' },
    /** Distinct events to build; default 60,000, or 150,000 with --experiments. */
    events: { type: 'string' },
    /** Let every commit kick the outbox dispatcher (to the fake Lark), as a live service does. */
    dispatch: { type: 'boolean', default: false },
    /** Comma-separated subset of duban,prep,raw7,lean,tx,hono,sweep. */
    only: { type: 'string' },
    /** Log level of the duban server (default silent); its stdout is read and dropped. */
    log: { type: 'string', default: 'silent' },
    /** Also run the prep, raw7 and lean experiments (bench/server.ts); adds about 45 s. */
    experiments: { type: 'boolean', default: false },
    /** Write a V8 CPU profile of each server to bench/results/profiles/ (summarize: tsx bench/profile.ts FILE). */
    profile: { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);

type Mode = 'duban' | 'prep' | 'raw7' | 'lean' | 'tx' | 'hono';
const MODES: { mode: Mode; name: string; path: string; experiment?: true }[] = [
  { mode: 'duban', name: 'duban POST /lark/events', path: '/lark/events' },
  { mode: 'prep', name: 'exp: duban, prepared', path: '/lark/events', experiment: true },
  { mode: 'raw7', name: 'exp: raw SQL, 7 trips', path: '/lark/events', experiment: true },
  { mode: 'lean', name: 'exp: raw SQL, 4 trips', path: '/lark/events', experiment: true },
  { mode: 'tx', name: 'Hono + 3-statement tx', path: '/' },
  { mode: 'hono', name: 'Hono bare', path: '/' },
];

interface Measured {
  name: string;
  mode: Mode;
  reqPerSec: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  seconds: number;
  /** CPU milliseconds per answered request: server process, PostgreSQL, load generator, whole machine. */
  cpuPerRequest: ReturnType<typeof cpuPerRequest>;
}

/** Hands out events in order; every request of every connection gets the next unused one. */
class EventFeed {
  next = 0;
  wrapped = false;
  constructor(readonly events: BenchEvent[]) {}
  take(): BenchEvent {
    if (this.next >= this.events.length) {
      this.next = 0;
      this.wrapped = true;
    }
    return this.events[this.next++]!;
  }
}

function startServer(mode: Mode, url: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir', join(here, 'results', 'profiles')] : []),
      '--import',
      'tsx',
      join(here, 'server.ts'),
      mode,
      url,
      ...(args.dispatch ? ['--dispatch'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_LOG_LEVEL: args.log } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start within 60 s`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (ready) return; // anything after READY (logs) is read and dropped
      out += b.toString();
      const m = /^READY (.*)$/m.exec(out);
      if (m) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(m[1]!) as { url: string }).url });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} server exited with ${code} before it was ready`));
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = performance.now();
  child.kill('SIGTERM');
  // With --dispatch, a graceful stop waits for the dispatcher to drain its backlog at Lark's pace.
  let killed = false;
  const t = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(t);
  const ms = performance.now() - started;
  if (killed || ms > 2000) {
    console.log(
      `  note: the server took ${(ms / 1000).toFixed(1)} s to stop${killed ? ' and was killed' : ''}`,
    );
  }
}

/** One autocannon run; `acked` collects the event ids that were answered 2xx. */
async function load(url: string, path: string, seconds: number, feed: EventFeed, acked?: string[]) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req, context) => {
          const ev = feed.take();
          (context as { eventId?: string }).eventId = ev.eventId;
          return { ...req, method: 'POST', path, headers: ev.headers, body: ev.body };
        },
        onResponse: (status, _body, context) => {
          // pipelining 1: the context still names the event this response answers.
          if (acked && status >= 200 && status < 300) acked.push((context as { eventId: string }).eventId);
        },
      },
    ],
  });
}

/** Waits until processed_events stops growing (the server has finished what was in flight). */
async function settle(db: postgres.Sql): Promise<void> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const [{ n }] = (await db`select count(*)::int as n from processed_events`) as unknown as [{ n: number }];
    if (n === last) return;
    last = n;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function summarize(name: string, mode: Mode, r: autocannon.Result, cpu: Measured['cpuPerRequest']): Measured {
  return {
    cpuPerRequest: cpu,
    name,
    mode,
    reqPerSec: r['2xx'] / r.duration,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    max: r.latency.max,
    seconds: r.duration,
  };
}

interface HttpOutcome {
  results: Measured[];
  verification?: Record<string, unknown>;
  events: number;
}

/** The HTTP part: every selected server in turn, on one fresh database, then dropped. */
async function runHttp(adminUrl: string, modes: typeof MODES, pgVersion: string): Promise<HttpOutcome> {
  const dbName = `duban_bench_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let child: ChildProcess | undefined;
  let db: postgres.Sql | undefined;
  const onSigint = () => {
    if (child) child.kill('SIGKILL');
    void admin.unsafe(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    await admin.unsafe(`create database ${dbName}`);
    // The committed migrations, as the service applies them at start; every server then finds its tables.
    await (await openDatabase({ url: dbUrl, max: 1 })).close();
    db = postgres(dbUrl, { max: 1, onnotice: () => {} });
    await db.unsafe(`
      create table bench_t (id bigserial primary key, payload_len int not null, done boolean not null default false,
                            created_at timestamptz not null default now());
      create table bench_t2 (id bigserial primary key, t_id bigint not null, note text not null);`);

    const started = performance.now();
    const events = makeEvents(
      Number(args.events ?? (args.experiments ? 150_000 : 60_000)),
      `b${process.pid}`,
    );
    console.log(
      `bench: ${events.length} signed+encrypted events built in ${Math.round(performance.now() - started)} ms; ` +
        `${connections} connections, ${duration} s per run (+${WARMUP_SECONDS} s warm-up), ` +
        `${cpus().length} CPUs, PostgreSQL ${pgVersion}` +
        (args.dispatch ? ', dispatcher on' : '') +
        (args.log !== 'silent' ? `, log level ${args.log}` : ''),
    );
    // duban and the experiments must see each event once (a repeat is a duplicate, answered
    // without work), so they share one feed; the baselines do not care and start from the first.
    const intakeFeed = new EventFeed(events);
    const results: Measured[] = [];
    let verification: Record<string, unknown> | undefined;
    for (const m of modes) {
      const feed = m.mode === 'tx' || m.mode === 'hono' ? new EventFeed(events) : intakeFeed;
      const s = await startServer(m.mode, dbUrl);
      child = s.child;
      await load(s.url, m.path, WARMUP_SECONDS, feed);
      // Requests still in flight when the warm-up stopped commit now; let them land before counting.
      if (m.mode === 'duban') await settle(db);
      const [before] = await db<{ e: number; o: number }[]>`
        select (select count(*) from processed_events)::int as e, (select count(*) from outbox)::int as o`;
      const acked: string[] = [];
      const cpu0 = cpuSnapshot(s.child.pid);
      const r = await load(s.url, m.path, duration, feed, m.mode === 'duban' ? acked : undefined);
      const cpu1 = cpuSnapshot(s.child.pid);
      await stopServer(s.child); // lets in-flight transactions finish before we count
      child = undefined;
      if (feed.wrapped && feed === intakeFeed) {
        console.log('  warning: events ran out and were sent again (duplicates); raise --events');
      }
      const res = summarize(m.name, m.mode, r, cpuPerRequest(cpu0, cpu1, r['2xx']));
      results.push(res);
      const c = res.cpuPerRequest;
      console.log(
        `  ${m.name}: ${Math.round(res.reqPerSec)} req/s, p50 ${res.p50} ms, p99 ${res.p99} ms, ` +
          `non-2xx ${res.non2xx}, errors ${res.errors}; CPU ms/request: server ${c.serverMs ?? '?'}, ` +
          `postgres ${c.postgresMs ?? '?'}, load generator ${c.loadGenMs ?? '?'}, other ${c.otherMs ?? '?'}, ` +
          `machine ${c.machineBusyMs ?? '?'}`,
      );
      if (c.otherMs !== undefined && c.machineBusyMs && c.otherMs > 0.25 * c.machineBusyMs) {
        console.log(
          `  warning: ${Math.round((100 * c.otherMs) / c.machineBusyMs)}% of the machine's CPU went to other processes; rerun when it is quiet`,
        );
      }
      if (m.mode !== 'duban') continue;

      // Commit-before-answer: every event answered 2xx has its processed_events row and its reply.
      const messageIds = acked.map((id) => id.replace(/^ev_/, 'om_'));
      const [after] = await db<{ e: number; o: number }[]>`
        select (select count(*) from processed_events)::int as e, (select count(*) from outbox)::int as o`;
      const [byId] = await db<{ events: number; replies: number }[]>`
        select (select count(*) from processed_events where event_id = any(${acked}::text[]))::int as events,
               (select count(*) from outbox where target_message_id = any(${messageIds}::text[]))::int as replies`;
      const rowsAdded = after!.e - before!.e;
      const outboxAdded = after!.o - before!.o;
      const ok =
        byId!.events === acked.length &&
        byId!.replies === acked.length &&
        rowsAdded >= acked.length &&
        // Rows without an answer can only be requests still in flight when the run stopped.
        rowsAdded - acked.length <= connections &&
        !feed.wrapped;
      verification = {
        commitBeforeAnswer: ok,
        answered2xx: acked.length,
        answered2xxCountedByAutocannon: r['2xx'],
        processedEventsOfAnswered: byId!.events,
        outboxRepliesOfAnswered: byId!.replies,
        processedEventsAdded: rowsAdded,
        outboxRowsAdded: outboxAdded,
        committedButUnansweredAtStop: rowsAdded - acked.length,
        non2xx: r.non2xx,
        eventsReused: feed.wrapped,
      };
      console.log(
        `  commit-before-answer: ${ok ? 'ok' : 'FAILED'} — ${acked.length} answered 2xx, ` +
          `${byId!.events} of them in processed_events, ${byId!.replies} with their outbox reply; ` +
          `${rowsAdded} events / ${outboxAdded} outbox rows added ` +
          `(${rowsAdded - acked.length} committed but unanswered at stop), non-2xx ${r.non2xx}`,
      );
    }
    return { results, verification, events: events.length };
  } finally {
    process.off('SIGINT', onSigint);
    if (child) await stopServer(child).catch(() => {});
    await db?.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end({ timeout: 5 });
  }
}

async function main() {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const wanted = args.only ? new Set(args.only.split(',').map((x) => x.trim())) : undefined;
  const unknown = [...(wanted ?? [])].filter((w) => w !== 'sweep' && !MODES.some((m) => m.mode === w));
  if (unknown.length)
    throw new Error(
      `unknown --only ${unknown.join(',')}; known: ${MODES.map((m) => m.mode).join(',')},sweep`,
    );
  const modes = MODES.filter((m) => (wanted ? wanted.has(m.mode) : !m.experiment || args.experiments));
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const pgVersion = (await admin<{ server_version: string }[]>`show server_version`)[0]!.server_version;
  await admin.end({ timeout: 5 });

  const http = modes.length ? await runHttp(adminUrl, modes, pgVersion) : undefined;
  const results = http?.results ?? [];
  const ours = results.find((r) => r.mode === 'duban');
  const goal: Record<string, boolean> = {};
  if (results.length) {
    const row = (cells: (string | number)[]) =>
      cells.map((c, i) => (i === 0 ? String(c).padEnd(26) : String(c).padStart(8))).join('');
    console.log(`\n${row(['name', 'req/s', 'p50 ms', 'p99 ms', 'ratio'])}   (ratio = duban req/s ÷ this)`);
    for (const r of results) {
      const ratio = ours ? (ours.reqPerSec / r.reqPerSec).toFixed(2) : '-';
      console.log(row([r.name, Math.round(r.reqPerSec), r.p50, r.p99, ratio]));
    }
  }
  if (ours) {
    goal.eventsPerSecond = ours.reqPerSec >= GOAL.eventsPerSecond;
    goal.p99 = ours.p99 <= GOAL.p99Ms;
    goal.commitBeforeAnswer = http?.verification?.commitBeforeAnswer === true;
    console.log(
      `\nintake goal ≥ ${GOAL.eventsPerSecond} events/s, p99 ≤ ${GOAL.p99Ms} ms, commit-before-answer: ` +
        `${goal.eventsPerSecond && goal.p99 && goal.commitBeforeAnswer ? 'MET' : 'NOT MET'} ` +
        `(${Math.round(ours.reqPerSec)} events/s, p99 ${ours.p99} ms)`,
    );
  }

  // The reminder sweep and digest at scale (bench/sweep.ts), loaded only when it runs.
  let sweep: unknown;
  if (wanted ? wanted.has('sweep') : true) {
    try {
      const { benchSweep } = await import('./sweep.js');
      const r = await benchSweep(adminUrl);
      sweep = r;
      goal.sweep = r.sweepMs < GOAL.sweepMs;
      goal.digest = r.digestMs < GOAL.digestMs;
      console.log(
        `\nsweep: ${(r.sweepMs / 1000).toFixed(2)} s for ${r.problems} problems → ${r.reminders} reminders in ` +
          `${r.messages} messages (goal < ${GOAL.sweepMs / 1000} s); second run ${(r.secondSweepMs / 1000).toFixed(2)} s, ` +
          `${r.secondMessages} messages; digest ${(r.digestMs / 1000).toFixed(2)} s (goal < ${GOAL.digestMs / 1000} s)`,
      );
    } catch (e) {
      sweep = { error: e instanceof Error ? e.message : String(e) };
      console.error('\nsweep failed:', e);
      process.exitCode = 1;
    }
  }

  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, postgres: pgVersion },
    params: {
      duration,
      connections,
      warmupSeconds: WARMUP_SECONDS,
      events: http?.events,
      dispatch: args.dispatch,
      logLevel: args.log,
      modes: modes.map((m) => m.mode),
    },
    results: results.map((r) => ({ ...r, ratioOfOurs: ours ? ours.reqPerSec / r.reqPerSec : undefined })),
    verification: http?.verification,
    sweep,
    goal: { ...GOAL, met: goal },
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
