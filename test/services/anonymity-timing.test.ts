import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db.js';
import { setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

// 50 ordinary messages and one anonymous in the same minute: no query over what is stored, and
// no log line, picks the anonymous one out (docs/decisions/0004-anonymity.md).
let now = new Date('2026-11-26T03:00:00Z');
let h: Harness;
const ordinary = new Set<string>();
let anon: Record<string, unknown>;
let others: Record<string, unknown>[];
const q = async (text: string) => rowsOf<Record<string, unknown>>(await h.database.db.execute(sql.raw(text)));

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  await h.dispatch();
  const before = new Set((await q('select event_id from processed_events')).map((r) => String(r.event_id)));
  for (let i = 0; i < 50; i++) {
    if (i === 23) await h.say('ou_timing_anon', '/匿名反馈 同一分钟里的匿名反馈');
    now = new Date(now.getTime() + 1000);
    const eventId = `ev_${(0x10000000000 + i * 7919).toString(16)}${'0'.repeat(13)}`.slice(0, 27);
    ordinary.add(eventId);
    await h.say(`ou_timing_${i % 5}`, i % 2 ? '/帮助' : '/我是谁', { eventId });
  }
  await h.dispatch();
  await h.dispatch();
  // The hourly housekeeping of the next day seals what came in and writes the day's audit rows.
  await h.service.deps.runJob!('housekeeping', new Date(now.getTime() + 86_400_000));
  const rows = await q(`select event_id, kind, received_at::text as at, xmin::text::bigint as x,
      ctid::text as ctid from processed_events order by ctid`);
  const fresh = rows.filter((r) => !before.has(String(r.event_id)));
  const anons = fresh.filter((r) => !ordinary.has(String(r.event_id)));
  expect(anons).toHaveLength(1);
  anon = anons[0]!;
  others = fresh.filter((r) => ordinary.has(String(r.event_id)));
}, 120_000);
afterAll(() => h.stop());

/** The anonymous row's value of a feature is shared by some ordinary row. */
function blends(f: (r: Record<string, unknown>) => unknown) {
  const v = JSON.stringify(f(anon));
  return others.some((o) => JSON.stringify(f(o)) === v);
}

describe('timing and order', () => {
  it('its event row looks like any other: kind, id shape, time', () => {
    expect(blends((r) => r.kind)).toBe(true);
    expect(blends((r) => String(r.event_id).replace(/[0-9a-f]/g, 'x'))).toBe(true);
    expect(blends((r) => r.at)).toBe(true);
  });

  it('no outbox or job row at its time tells it apart', async () => {
    const times = new Set(
      (await q('select created_at::text as t from outbox union all select created_at::text from jobs')).map(
        (r) => r.t,
      ),
    );
    expect(blends((r) => times.has(r.at))).toBe(true);
  });

  it('no row in any table shares its xmin, or sits next to it, unless ordinary ones do too', async () => {
    const tables = (
      await q(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'processed_events'`,
      )
    ).map((r) => String(r.table_name));
    const xs = new Set<number>();
    for (const t of tables)
      for (const r of await q(`select xmin::text::bigint as x from "${t}"`)) xs.add(Number(r.x));
    expect(blends((r) => xs.has(Number(r.x)))).toBe(true);
    expect(blends((r) => xs.has(Number(r.x) + 1) || xs.has(Number(r.x) - 1))).toBe(true);
    const [f] = await q('select xmin::text::bigint as x from anonymous_feedback');
    expect(Math.abs(Number(f!.x) - Number(anon.x))).toBeGreaterThan(1);
  });

  it('the feedback id is random, and its audit row is not placed among timed rows of its day', async () => {
    const [f] = await q('select id::text as id from anonymous_feedback');
    expect(String(f!.id)).toMatch(/^[0-9a-f-]{36}$/);
    const audit = await q('select seq, at::text as at, action from audit_log order by seq');
    const i = audit.findIndex((a) => a.action === 'feedback.received');
    expect(i).toBeGreaterThanOrEqual(0);
    // Everything written before it was before the day ended; nothing after it is from that day.
    for (const n of audit.slice(i + 1))
      expect(n.action === 'feedback.received' || !String(n.at).startsWith('2026-11-26')).toBe(true);
  });

  it('no log line stands out', () => {
    const requests = h.logs.filter((l) => l.msg === 'request' && l.path === '/lark/events');
    expect(new Set(requests.map((l) => Object.keys(l).sort().join(','))).size).toBe(1);
    expect([...new Set(requests.map((l) => l.action))]).toEqual(['message']);
    expect(h.logText()).not.toContain(String(anon.event_id));
  });
});
