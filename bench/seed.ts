import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Db } from '../src/db.js';
import { type Database, openDatabase } from '../src/entry/database.js';

/**
 * A campaign a few months in at scale: units with two contacts each, 20 supervisors, staff and an
 * admin, and problems with deadlines over the last and next 60 days and states spread as in a
 * running campaign. Plain SQL over columns every schema since the first has, so the migration
 * bench (bench/migration.ts) can seed a database made by an earlier schema too.
 */
export async function seedCampaign(db: Db, nProblems: number, nUnits: number): Promise<void> {
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
}

/**
 * A fresh database for one bench step, migrated, dropped afterwards whatever happens. `migrate:
 * false` leaves it empty (the migration bench builds its own schema).
 */
export async function withBenchDatabase<T>(
  adminUrl: string,
  tag: string,
  fn: (database: Database, url: string) => Promise<T>,
  o: { migrate?: boolean } = {},
): Promise<T> {
  const name = `duban_bench_${tag}_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), max: 4 }, { migrate: o.migrate ?? true });
  try {
    return await fn(database, u.toString());
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
