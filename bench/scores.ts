/**
 * 考核 scores and trends at scale (documents issue): 100,000 problems in 500 units of one campaign
 * on PostgreSQL, with close-out requests, extensions and 回访. Goal on 2 cores: `/考核` (facts,
 * 回访 counts, scores and ranking) and the trend query (`/统计 趋势`) each in < 2 s.
 * Run: `npm run bench -- --only scores` (or as part of npm run bench).
 */
import { sql } from 'drizzle-orm';
import { parseConfig } from '../src/config.js';
import type { Db } from '../src/db.js';
import { loadCalendar } from '../src/services/calendar/load.js';
import { defaultCampaign } from '../src/services/campaigns/read.js';
import type { ServiceCtx } from '../src/services/context.js';
import { noDirectory } from '../src/services/directory.js';
import { scoresOf } from '../src/services/scoring/scores.js';
import { campaignTrend } from '../src/services/scoring/trend.js';
import { withBenchDatabase } from './seed.js';

export interface ScoresResult {
  problems: number;
  units: number;
  seedMs: number;
  /** The first trend run fills the workdays table; the second is what a user waits for. */
  firstTrendMs: number;
  scoresMs: number;
  trendMs: number;
}

async function seed(db: Db, nProblems: number, nUnits: number) {
  await db.execute(
    sql.raw(`insert into units (name) select '测试单位' || g from generate_series(1, ${nUnits}) g`),
  );
  await db.execute(
    sql.raw(`insert into problems (code, year, seq, title, category, lead_unit_id, deadline, state, created_at, assigned_at, acknowledged_at, closed_at)
      select 'DB-2026-' || lpad(g::text, 6, '0'), 2026, g, '批量问题 ' || g,
        (array['政务服务环境','法治环境','市场环境','要素环境'])[1 + (g % 4)],
        1 + (g % ${nUnits}),
        (date '2026-11-26' + ((g * 7919) % 120 - 60))::date,
        (array['assigned','acknowledged','in_progress','in_progress','closure_requested','closed','closed','withdrawn'])[1 + (g % 8)],
        timestamptz '2026-06-01 09:00+08' + (g % 180) * interval '1 day',
        timestamptz '2026-06-01 09:00+08' + (g % 180) * interval '1 day',
        case when g % 8 in (1,2,3,4,5,6) then timestamptz '2026-06-03 09:00+08' + (g % 180) * interval '1 day' end,
        case when g % 8 in (5,6) then timestamptz '2026-06-20 09:00+08' + (g % 180) * interval '1 day' end
      from generate_series(1, ${nProblems}) g`),
  );
  await db.execute(
    sql.raw(`insert into problem_requests (problem_id, kind, status, requested_by, text, requested_at, decided_at)
      select id, 'closure', case when id % 5 = 0 then 'rejected' else 'approved' end, 'ou_c1', '申请销号',
        closed_at - interval '2 days', closed_at from problems where state = 'closed'`),
  );
  await db.execute(
    sql.raw(`insert into revisits (problem_id, round, raiser_kind, rating, rated_on)
      select id, 1, 'person', (array['satisfied','basic','unsatisfied'])[1 + (id % 3)], (closed_at + interval '3 days')::date
      from problems where state = 'closed' and id % 2 = 0`),
  );
  // Extensions of one problem in ten, some after the old deadline had passed.
  await db.execute(
    sql.raw(`insert into audit_log (at, actor_open_id, actor_name, action, subject_type, subject_id, before, after, prev_hash, hash)
      select assigned_at + interval '20 days', 'ou_staff1', '王敏', 'problem.extension_approved', 'problem', code,
        jsonb_build_object('deadline', to_char(deadline - 15, 'YYYY-MM-DD')), jsonb_build_object('deadline', to_char(deadline, 'YYYY-MM-DD')),
        '', md5(code) from problems where id % 10 = 0`),
  );
  await db.execute(sql.raw('analyze'));
}

export async function benchScores(
  adminUrl: string,
  o: { problems?: number; units?: number } = {},
): Promise<ScoresResult> {
  const nProblems = o.problems ?? 100_000;
  const nUnits = o.units ?? 500;
  return withBenchDatabase(adminUrl, 'scores', async (database, url) => {
    const db = database.db;
    const t = performance.now();
    await seed(db, nProblems, nUnits);
    const seedMs = performance.now() - t;
    const config = parseConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
    const now = new Date('2026-12-02T10:00:00+08:00');
    const timed = async (fn: (ctx: ServiceCtx) => Promise<unknown>) => {
      const t0 = performance.now();
      await db.transaction(async (tx) =>
        fn({
          tx,
          now,
          config,
          directory: noDirectory,
          calendar: await loadCalendar(tx),
          actor: { openId: 'ou_staff1', name: '王敏', roles: new Set(['staff']) },
        }),
      );
      return performance.now() - t0;
    };
    const campaign = await defaultCampaign(db);
    const trend = (ctx: ServiceCtx) =>
      campaignTrend(ctx, { campaignId: campaign.id, campaign: campaign.name });
    const firstTrendMs = await timed(trend);
    const scoresMs = await timed((ctx) => scoresOf(ctx, campaign));
    const trendMs = await timed(trend);
    return { problems: nProblems, units: nUnits, seedMs, firstTrendMs, scoresMs, trendMs };
  });
}

if (process.argv[1]?.endsWith('scores.ts')) {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const r = await benchScores(url);
  console.log(JSON.stringify(r, null, 2));
}
