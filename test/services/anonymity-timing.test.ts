import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db.js';
import { setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

// 50 ordinary messages and one anonymous in the same minute: no query over what is stored, and
// no log line, picks the anonymous one out (docs/decisions/0004-anonymity.md).
let now = new Date('2026-11-26T03:00:00Z');
let h: Harness;
const q = async (text: string) => rowsOf<Record<string, unknown>>(await h.database.db.execute(sql.raw(text)));

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  for (let i = 0; i < 50; i++) {
    if (i === 23) await h.say('ou_timing_anon', '/匿名反馈 同一分钟里的匿名反馈');
    now = new Date(now.getTime() + 1000);
    await h.say(`ou_timing_${i % 5}`, i % 2 ? '/帮助' : '/我是谁');
  }
  await h.dispatch();
  await h.dispatch();
  // The hourly housekeeping seals what came in (the receipt is gone by then anyway).
  await h.service.deps.runJob!('housekeeping', new Date(now.getTime() + 3600_000));
}, 120_000);
afterAll(() => h.stop());

describe('timing and order', () => {
  it('every message event row looks the same: kind, id shape, time', async () => {
    const rows = await q(`select event_id, kind, received_at::text as at from processed_events where kind = 'message'`);
    expect(rows.length).toBeGreaterThanOrEqual(51);
    const shape = (id: string) => id.replace(/[a-z0-9]/g, 'x');
    expect(new Set(rows.map((r) => shape(String(r.event_id)))).size).toBe(1);
    // Every event row's time is shared by an outbox row, or by none of them.
    const lonely = await q(`select e.event_id from processed_events e where e.kind = 'message'
      and not exists (select 1 from outbox o where o.created_at = e.received_at)`);
    expect(lonely.length === 0 || lonely.length >= 10).toBe(true);
    const times = await q(`select received_at, count(*)::int as n from processed_events where kind = 'message' group by 1`);
    expect(times.filter((t) => t.n === 1).length === 0 || times.length > 10).toBe(true);
  });

  it('xmin ties no event row to the feedback or its audit row', async () => {
    const joined = await q(`select e.event_id from processed_events e
      where e.xmin::text in (select xmin::text from anonymous_feedback union all select xmin::text from audit_log)`);
    expect(joined).toEqual([]);
    // Nor its neighbours: the feedback's xmin is no event row's xmin + 1.
    const next = await q(`select e.event_id from processed_events e, anonymous_feedback f
      where f.xmin::text::bigint between e.xmin::text::bigint - 1 and e.xmin::text::bigint + 1`);
    expect(next).toEqual([]);
  });

  it('the feedback id is random, and its audit row sits among rows of its own kind', async () => {
    const [f] = await q('select id::text as id from anonymous_feedback');
    expect(String(f!.id)).toMatch(/^[0-9a-f-]{36}$/);
    const audit = await q('select seq, at::text as at, action from audit_log order by seq');
    const i = audit.findIndex((a) => a.action === 'feedback.received');
    expect(i).toBeGreaterThanOrEqual(0);
    // Its neighbours carry no exact time of the same day that would date it.
    for (const n of [audit[i - 1], audit[i + 1]].filter(Boolean))
      expect(n!.action === 'feedback.received' || !String(n!.at).startsWith('2026-11-26 03:')).toBe(true);
  });

  it('no outbox or job row, and no log line, stands out', async () => {
    const jobs = await q(`select kind from jobs`);
    expect(jobs.map((j) => j.kind)).not.toContain(expect.stringContaining('anon'));
    const requests = h.logs.filter((l) => l.msg === 'request' && l.path === '/lark/events');
    const keys = new Set(requests.map((l) => Object.keys(l).sort().join(',')));
    const actions = new Set(requests.map((l) => l.action));
    expect(keys.size).toBe(1);
    expect([...actions]).toEqual(['message']);
  });
});
