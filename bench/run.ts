/**
 * npm run bench [-- --duration 10 --connections 40 --only duban,click,tx,hono,sweep,migrate,scores,pair,ws
 *                    --clicks 15000 --experiments --dispatch --log info --profile]
 *
 * Loads POST /lark/events of the real service on real PostgreSQL with distinct, signed, encrypted
 * /帮助 text-message events (sampling the server's RSS), then POST /lark/cards with 签收 clicks on
 * distinct seeded problems (bench/click.ts), then two baselines on the same machine with the same
 * load: a bare Hono endpoint and a Hono endpoint doing a three-statement transaction (the anchor).
 * Prints rate, p50/p99, RSS and ratios; checks commit-before-answer and that every 2xx click kept
 * its change; then the reminder sweep / digest (bench/sweep.ts), two instances on one database
 * (bench/pair.ts) and intake over the long connection (bench/ws-step.ts); writes
 * bench/results/<time>.json. `--only` runs a subset (the click ratio needs tx in the same run).
 *
 * Process layout: each server runs in its own child process (bench/server.ts) and autocannon runs
 * here. In one process the load generator and the server would share one event loop, and every
 * millisecond autocannon spends building and parsing requests would be charged to the server's
 * latency. Separate processes let the OS spread server, load generator and PostgreSQL over the two
 * cores; they still compete for them, but the baselines are measured under the same competition,
 * so the ratios compare like with like.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase } from '../src/entry/database.js';
import { seedClicks, verifyClicks } from './click.js';
import { cpuPerRequest, cpuSnapshot } from './cpu.js';
import { makeEvents } from './events.js';
import { EventFeed, load, settle, startServer, stopServer } from './processes.js';
import { GOAL, type HttpOutcome, type Measured, type Mode, printGoals, summarize } from './report.js';
import { memoryOf, sampleMemory } from './rss.js';
import { counts, verifyIntake } from './verify.js';
import { runLongConnection } from './ws-step.js';

const here = dirname(fileURLToPath(import.meta.url));
const WARMUP_SECONDS = 2;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '40' },
    /** Distinct events to build; default 60,000, or 150,000 with --experiments. */
    events: { type: 'string' },
    /** Let every commit kick the outbox dispatcher (to the fake Lark), as a live service does. */
    dispatch: { type: 'boolean', default: false },
    /** Problems seeded for the click run (one 签收 each). */
    clicks: { type: 'string', default: '15000' },
    /** Comma-separated subset of duban,click,prep,raw7,lean,tx,hono,sweep,migrate,scores,pair,ws. */
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

const MODES: { mode: Mode; name: string; path: string; experiment?: true }[] = [
  { mode: 'duban', name: 'duban POST /lark/events', path: '/lark/events' },
  { mode: 'click', name: 'duban 签收 /lark/cards', path: '/lark/cards' },
  { mode: 'prep', name: 'exp: duban, prepared', path: '/lark/events', experiment: true },
  { mode: 'raw7', name: 'exp: raw SQL, 7 trips', path: '/lark/events', experiment: true },
  { mode: 'lean', name: 'exp: raw SQL, 4 trips', path: '/lark/events', experiment: true },
  { mode: 'tx', name: 'Hono + 3-statement tx', path: '/' },
  { mode: 'hono', name: 'Hono bare', path: '/' },
];

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
    const clickFeed = modes.some((m) => m.mode === 'click')
      ? new EventFeed(await seedClicks(db, Number(args.clicks), `b${process.pid}`))
      : undefined;
    const results: Measured[] = [];
    let verification: Record<string, unknown> | undefined;
    let clicks: HttpOutcome['clicks'];
    for (const m of modes) {
      const feed =
        m.mode === 'click'
          ? clickFeed!
          : m.mode === 'tx' || m.mode === 'hono'
            ? new EventFeed(events)
            : intakeFeed;
      const s = await startServer(m.mode === 'click' ? 'duban' : m.mode, dbUrl, {
        profile: args.profile,
        log: args.log,
        flags: args.dispatch ? ['--dispatch'] : [],
      });
      child = s.child;
      const idle = memoryOf(s.child.pid); // started, before any request
      await load(s.url, m.path, WARMUP_SECONDS, feed, connections);
      // Requests still in flight when the warm-up stopped commit now; let them land before counting.
      if (m.mode === 'duban' || m.mode === 'click') await settle(db);
      const before = await counts(db);
      const acked: string[] = [];
      const cpu0 = cpuSnapshot(s.child.pid);
      const mem = sampleMemory(s.child.pid);
      const r = await load(s.url, m.path, duration, feed, connections, acked);
      const memory = mem.stop();
      const cpu1 = cpuSnapshot(s.child.pid);
      await stopServer(s.child); // lets in-flight transactions finish before we count
      child = undefined;
      if (feed.wrapped && feed !== intakeFeed && m.mode === 'click') {
        console.log('  warning: clicks ran out and were sent again (duplicates); raise --clicks');
      }
      if (feed.wrapped && feed === intakeFeed) {
        console.log('  warning: events ran out and were sent again (duplicates); raise --events');
      }
      const res = summarize(m.name, m.mode, r, cpuPerRequest(cpu0, cpu1, r['2xx']));
      res.memory = { idleRssMb: idle?.rssMb, ...memory };
      results.push(res);
      const c = res.cpuPerRequest;
      console.log(
        `  ${m.name}: ${Math.round(res.reqPerSec)} req/s, p50 ${res.p50} ms, p99 ${res.p99} ms, ` +
          `non-2xx ${res.non2xx}, errors ${res.errors}; CPU ms/request: server ${c.serverMs ?? '?'}, ` +
          `postgres ${c.postgresMs ?? '?'}, load generator ${c.loadGenMs ?? '?'}, other ${c.otherMs ?? '?'}, ` +
          `machine ${c.machineBusyMs ?? '?'}; server RSS idle ${idle?.rssMb} MB, under load max ${memory.maxRssDuringMb} MB, ` +
          `after ${memory.afterRssMb} MB, peak (VmHWM) ${memory.peakHwmMb} MB`,
      );
      if (c.otherMs !== undefined && c.machineBusyMs && c.otherMs > 0.25 * c.machineBusyMs) {
        console.log(
          `  warning: ${Math.round((100 * c.otherMs) / c.machineBusyMs)}% of the machine's CPU went to other processes; rerun when it is quiet`,
        );
      }
      if (m.mode === 'click') {
        clicks = await verifyClicks(db, acked);
        console.log(
          `  clicks kept: ${clicks.ok ? 'ok' : 'FAILED'} — ${acked.length} answered 2xx; acknowledged ${clicks.acknowledged}, ` +
            `history ${clicks.history}, audit ${clicks.audit}, with the other copy's patch queued ${clicks.patches}`,
        );
      }
      if (m.mode !== 'duban') continue;
      verification = await verifyIntake(db, {
        acked,
        before,
        connections,
        wrapped: feed.wrapped,
        non2xx: r.non2xx,
        counted: r['2xx'],
      });
    }
    return { results, verification, clicks, events: events.length };
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
  const STEPS = ['sweep', 'migrate', 'scores', 'pair', 'ws'];
  const unknown = [...(wanted ?? [])].filter((w) => !STEPS.includes(w) && !MODES.some((m) => m.mode === w));
  if (unknown.length)
    throw new Error(
      `unknown --only ${unknown.join(',')}; known: ${MODES.map((m) => m.mode).join(',')},${STEPS.join(',')}`,
    );
  const step = (name: string) => (wanted ? wanted.has(name) : true);
  console.log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const modes = MODES.filter((m) => (wanted ? wanted.has(m.mode) : !m.experiment || args.experiments));
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const pgVersion = (await admin<{ server_version: string }[]>`show server_version`)[0]!.server_version;
  await admin.end({ timeout: 5 });

  const http = modes.length ? await runHttp(adminUrl, modes, pgVersion) : undefined;
  const results = http?.results ?? [];
  const ours = results.find((r) => r.mode === 'duban');
  const goal = printGoals(results, http);
  console.log(
    `load average after the HTTP runs: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  // The reminder sweep and digest at scale (bench/sweep.ts), loaded only when it runs.
  let sweep: unknown;
  if (step('sweep')) {
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

  // The campaigns migrations over 100,000 problems made by the earlier schema (bench/migration.ts).
  let migration: unknown;
  if (step('migrate')) {
    try {
      const { benchMigration } = await import('./migration.js');
      const r = await benchMigration(adminUrl);
      migration = r;
      console.log(
        `\nmigration: ${r.applied.join(', ')} in ${(r.migrateMs / 1000).toFixed(2)} s over ${r.problems} problems; ${r.inDefault} now in the default campaign`,
      );
    } catch (e) {
      migration = { error: e instanceof Error ? e.message : String(e) };
      console.error('\nmigration failed:', e);
      process.exitCode = 1;
    }
  }

  // 考核 scores and the trend query at scale (bench/scores.ts).
  let scores: unknown;
  if (step('scores')) {
    try {
      const { benchScores } = await import('./scores.js');
      const r = await benchScores(adminUrl);
      scores = r;
      goal.scores = r.scoresMs < GOAL.scoresMs;
      goal.trend = r.trendMs < GOAL.trendMs;
      console.log(
        `\n考核: ${(r.scoresMs / 1000).toFixed(2)} s for ${r.problems} problems in ${r.units} units (goal < ${GOAL.scoresMs / 1000} s); ` +
          `trend ${(r.trendMs / 1000).toFixed(2)} s (goal < ${GOAL.trendMs / 1000} s; first run, filling the workdays table, ${(r.firstTrendMs / 1000).toFixed(2)} s)`,
      );
    } catch (e) {
      scores = { error: e instanceof Error ? e.message : String(e) };
      console.error('\nscores failed:', e);
      process.exitCode = 1;
    }
  }

  // Two instances on one database (bench/pair.ts), then intake over the long connection.
  let pair: unknown;
  if (step('pair')) {
    try {
      const { benchPair } = await import('./pair.js');
      const r = await benchPair(adminUrl, { seconds: duration, connections });
      pair = r;
      goal.pairWithinLimits = r.sends.violations.total === 0 && r.sends.delivered === r.sends.queued;
    } catch (e) {
      pair = { error: e instanceof Error ? e.message : String(e) };
      console.error('\npair failed:', e);
      process.exitCode = 1;
    }
  }
  let ws: unknown;
  if (step('ws')) {
    const r = await runLongConnection(adminUrl);
    ws = r;
    if (r.ratio === undefined) process.exitCode = 1;
  }
  console.log(
    `load average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

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
    clicks: http?.clicks,
    sweep,
    migration,
    scores,
    pair,
    longConnection: ws,
    loadAverage: loadavg(),
    goal: { ...GOAL, met: goal },
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
