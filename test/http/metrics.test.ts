import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TOKEN } from '../support/harness.js';
import { textMessageEvent } from '../support/lark-requests.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const scrape = (h: Harness, headers: Record<string, string> = {}) => fetch(`${h.url}/metrics`, { headers });
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics on loopback without METRICS_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('reports events by outcome, the outbox, jobs and the database in Prometheus format', async () => {
    const env = textMessageEvent({ token: TOKEN, sender: 'ou_admin', text: '/我是谁' });
    expect((await h.post('/lark/events', env)).status).toBe(200);
    expect((await h.post('/lark/events', env)).status).toBe(200); // Lark delivers again
    expect((await h.post('/lark/events', env, { encrypt: false })).status).toBe(401);

    const before = await scrape(h);
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toContain('text/plain');
    const t1 = await before.text();
    expect(value(t1, 'duban_events_total{transport="webhook",kind="event",outcome="ok"}')).toBe(1);
    expect(value(t1, 'duban_events_total{transport="webhook",kind="event",outcome="duplicate"}')).toBe(1);
    expect(value(t1, 'duban_events_total{transport="webhook",kind="event",outcome="refused"}')).toBe(1);
    expect(value(t1, 'duban_outbox_depth')).toBe(1); // the reply, not yet sent
    expect(value(t1, 'duban_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(0);
    expect(t1).toContain('duban_db_ping_seconds');
    expect(t1).toContain('duban_jobs_oldest_pending_seconds 0');

    await h.dispatch();
    const t2 = await (await scrape(h)).text();
    expect(value(t2, 'duban_outbox_depth')).toBe(0);
    expect(value(t2, 'duban_outbox_messages{status="sent"}')).toBe(1);
  });

  it('counts anonymous feedback like any other message: no series or label singles it out', async () => {
    const t0 = await (await scrape(h)).text();
    const ok = 'duban_events_total{transport="webhook",kind="event",outcome="ok"}';
    await h.say('ou_someone', '/匿名反馈 食堂卫生问题请关注');
    await h.dispatch();
    const t1 = await (await scrape(h)).text();
    expect(value(t1, ok)).toBe((value(t0, ok) ?? 0) + 1);
    const seriesNames = (t: string) =>
      new Set(
        t
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.replace(/[ {].*$/, '')),
      );
    expect([...seriesNames(t1)].sort()).toEqual([...seriesNames(t0)].sort());
    expect(t1).not.toMatch(/anonym|feedback|匿名|ou_someone/i);
  });
});

describe('GET /metrics access', () => {
  it('needs METRICS_TOKEN as a bearer token when set', async () => {
    const h = await startHarness({ env: { METRICS_TOKEN } });
    try {
      expect((await scrape(h)).status).toBe(401);
      expect((await scrape(h, { authorization: 'Bearer wrong-token-000000000' })).status).toBe(401);
      const ok = await scrape(h, { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('duban_outbox_depth');
    } finally {
      await h.stop();
    }
  });

  it('is refused beyond loopback when METRICS_TOKEN is unset', async () => {
    const h = await startHarness({ env: { HOST: '0.0.0.0' } });
    try {
      const r = await scrape(h);
      expect(r.status).toBe(401);
      expect(await r.text()).toContain('METRICS_TOKEN');
    } finally {
      await h.stop();
    }
  });
});
