/**
 * Reminder sweep and digest build at scale (reminders issue): 100,000 problems in 500 units on
 * PostgreSQL. Goal on 2 cores: the sweep decides and enqueues every reminder in < 10 s; the
 * digest figures compute in < 2 s. Run: `npm run bench -- --only sweep` (or as part of npm run bench).
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { parseConfig } from '../src/config.js';
import { openDatabase } from '../src/entry/database.js';
import { createLogger } from '../src/log.js';
import { loadCalendar } from '../src/services/calendar/load.js';
import { buildDigest } from '../src/services/digest.js';
import { runReminders } from '../src/services/reminders.js';

export interface SweepResult {
  problems: number;
  units: number;
  seedMs: number;
  sweepMs: number;
  reminders: number;
  messages: number;
  secondSweepMs: number;
  secondMessages: number;
  digestMs: number;
}

export async function benchSweep(
  adminUrl: string,
  o: { problems?: number; units?: number } = {},
): Promise<SweepResult> {
  const nProblems = o.problems ?? 100_000;
  const nUnits = o.units ?? 500;
  const name = `duban_bench_sweep_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), max: 4 });
  try {
    const db = database.db;
    const t0 = performance.now();
    await db.execute(
      sql.raw(`insert into units (name) select '测试单位' || g from generate_series(1, ${nUnits}) g`),
    );
    await db.execute(
      sql.raw(
        `insert into unit_contacts (unit_id, open_id) select id, 'ou_c' || id || '_' || k from units, generate_series(1, 2) k`,
      ),
    );
    await db.execute(
      sql.raw(
        `insert into roles (open_id, role) select 'ou_sup' || g, 'supervisor' from generate_series(1, 20) g`,
      ),
    );
    await db.execute(
      sql.raw(`insert into roles (open_id, role) values ('ou_staff1', 'staff'), ('ou_admin1', 'admin')`),
    );
    // Deadlines spread over the last 60 and next 60 days; states spread like a campaign a few months in.
    await db.execute(
      sql.raw(`insert into problems (code, year, seq, title, lead_unit_id, deadline, state, timeliness, created_at, assigned_at, acknowledged_at, last_progress_at, closed_at)
      select 'DB-2026-' || lpad(g::text, 6, '0'), 2026, g, '批量问题 ' || g,
        1 + (g % ${nUnits}),
        (date '2026-11-26' + ((g * 7919) % 120 - 60))::date,
        (array['assigned','acknowledged','in_progress','in_progress','closure_requested','closed','closed','withdrawn'])[1 + (g % 8)],
        case when g % 3 = 0 then '立行立改' else '长期整改' end,
        timestamptz '2026-09-01 09:00+08' + (g % 60) * interval '1 day',
        timestamptz '2026-09-01 09:00+08' + (g % 60) * interval '1 day',
        case when g % 8 in (1,2,3,4,5,6) then timestamptz '2026-09-03 09:00+08' + (g % 60) * interval '1 day' end,
        case when g % 8 in (2,3) then timestamptz '2026-10-01 09:00+08' + (g % 50) * interval '1 day' end,
        case when g % 8 in (5,6) then timestamptz '2026-11-01 09:00+08' + (g % 25) * interval '1 day' end
      from generate_series(1, ${nProblems}) g`),
    );
    await db.execute(
      sql.raw(`insert into problem_requests (problem_id, kind, requested_by, text, requested_at)
      select id, 'closure', 'ou_c1_1', '申请销号', timestamptz '2026-11-16 10:00+08' from problems where state = 'closure_requested'`),
    );
    await db.execute(sql.raw('analyze'));
    const seedMs = performance.now() - t0;
    const config = parseConfig({ DATABASE_URL: u.toString(), LOG_LEVEL: 'silent' });
    const log = createLogger('silent');
    const at = new Date('2026-11-26T09:05:00+08:00');
    let t = performance.now();
    const first = await runReminders({ db, config, log }, at);
    const sweepMs = performance.now() - t;
    t = performance.now();
    const second = await runReminders({ db, config, log }, at);
    const secondSweepMs = performance.now() - t;
    const calendar = await loadCalendar(db);
    t = performance.now();
    await buildDigest(db, { at, config, calendar, scope: '全部承办单位' });
    const digestMs = performance.now() - t;
    return {
      problems: nProblems,
      units: nUnits,
      seedMs,
      sweepMs,
      reminders: first.items,
      messages: first.messages,
      secondSweepMs,
      secondMessages: second.messages,
      digestMs,
    };
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (process.argv[1]?.endsWith('sweep.ts')) {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const r = await benchSweep(url);
  console.log(JSON.stringify(r, null, 2));
  console.log(
    `sweep: ${(r.sweepMs / 1000).toFixed(2)} s for ${r.problems} problems → ${r.reminders} reminders in ${r.messages} messages (goal < 10 s); second run ${(r.secondSweepMs / 1000).toFixed(2)} s, ${r.secondMessages} messages`,
  );
  console.log(`digest: ${(r.digestMs / 1000).toFixed(2)} s (goal < 2 s)`);
}
