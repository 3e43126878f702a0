/**
 * Reminder sweep and digest build at scale (reminders issue): 100,000 problems in 500 units on
 * PostgreSQL. Goal on 2 cores: the sweep decides and enqueues every reminder in < 10 s; the
 * digest figures compute in < 2 s. Run: `npm run bench -- --only sweep` (or as part of npm run bench).
 */
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { loadCalendar } from '../src/services/calendar/load.js';
import { buildDigest } from '../src/services/digest.js';
import { runReminders } from '../src/services/reminders.js';
import { seedCampaign, withBenchDatabase } from './seed.js';

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
  return withBenchDatabase(adminUrl, 'sweep', async (database, url) => {
    const db = database.db;
    const t0 = performance.now();
    await seedCampaign(db, nProblems, nUnits);
    const seedMs = performance.now() - t0;
    const config = parseConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
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
  });
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
