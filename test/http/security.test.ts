import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db.js';
import { ask, assignAs, EMAIL, P, press, read, useCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/** Smaller holes (issue 9, item 12): headers, refused callbacks, markdown names. */

let h: Harness;
const now = new Date('2026-11-26T02:00:00Z');
useCampaign(
  { clock: () => now, env: { PUBLIC_BASE_URL: 'https://duban.example.gov.cn' } },
  (x) => {
    h = x;
  },
  { drain: false },
);

describe('security headers on every HTML route', () => {
  for (const path of ['/public', '/feedback', '/ballot']) {
    it(path, async () => {
      const r = await fetch(`${h.url}${path}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('strict-transport-security')).toContain('max-age=');
    });
  }

  it('no HSTS when the public URL is plain http', async () => {
    const h2 = await startHarness({ env: { PUBLIC_BASE_URL: 'http://127.0.0.1:8080' } });
    try {
      const r = await fetch(`${h2.url}/feedback`);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await h2.stop();
    }
  });
});

describe('a refused card callback is recorded', () => {
  it('its replay is answered as a duplicate, and changes nothing', async () => {
    const eventId = `ev_refused_${Date.now()}`;
    const value = { action: 'p.form', pid: 999_999, form: 'progress' };
    const first = await h.click(P.lead1, { eventId, messageId: 'om_refused', value });
    expect(first.status).toBe(200);
    expect(first.body.toast?.type).toBe('error');
    const kept = rowsOf(
      await h.database.db.execute(sql`select kind from processed_events where event_id = ${eventId}`),
    );
    expect(kept).toHaveLength(1);
    const replay = await h.click(P.lead1, { eventId, messageId: 'om_refused', value });
    expect(replay.body.toast?.content).toContain('已处理');
  });

  it('an unknown button is recorded too', async () => {
    const eventId = `ev_unknown_${Date.now()}`;
    await h.click(P.lead1, { eventId, messageId: 'om_refused', value: { action: 'no.such' } });
    const kept = rowsOf(
      await h.database.db.execute(sql`select kind from processed_events where event_id = ${eventId}`),
    );
    expect(kept).toHaveLength(1);
  });
});

/** Every markdown element of every card sent, as sent and as last patched. */
function markdownOf(): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
      Object.values(o).forEach(walk);
    }
  };
  for (const m of h.fake.messages) {
    if (m.msgType !== 'interactive') continue;
    walk(m.json);
    walk(h.fake.latest(m.messageId));
  }
  return out;
}

describe('names in markdown are escaped', () => {
  it('a contact named like a link cannot put a link into the deciders’ card', async () => {
    const evil = 'ou_evil_name';
    h.fake.addUser({ open_id: evil, name: '[点我](https://evil.example)**王**', email: EMAIL(evil) });
    expect((await ask(h, P.staff, `/联络员 添加 市民政局 ${EMAIL(evil)}`)).text).toMatch(/已(添加|设置)/);
    const { code } = await assignAs(h, '路灯不亮 单位:市民政局 期限:2026-12-31');
    const card = () => {
      const m = [...h.fake.messages]
        .reverse()
        .find((x) => x.receiveId === evil && x.msgType === 'interactive');
      return read({ ...m!, content: JSON.stringify(h.fake.latest(m!.messageId) ?? m!.json) });
    };
    await press(h, evil, card(), '签收');
    await h.dispatch();
    const ans = await press(h, evil, card(), '申请延期', {
      new_deadline: '2027-01-15 +0800',
      reason: '需采购',
    });
    expect(ans.toast?.type).toBe('success');
    await h.dispatch();
    const md = markdownOf().filter((s) => s.includes('evil.example'));
    expect(md.length).toBeGreaterThan(0);
    for (const s of md) {
      expect(s).not.toContain('[点我](');
      expect(s).not.toContain('**王**');
    }
    expect(code).toMatch(/^DB-/);
  });
});
