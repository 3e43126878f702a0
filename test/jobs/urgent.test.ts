import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, problems } from '../../db/schema/index.js';
import { assignAs, P, read, useCampaign } from '../support/campaign.js';
import { LarkCodes } from '../support/fake-lark.js';
import type { Harness } from '../support/harness.js';

/** 10:00 in Asia/Shanghai on a day. */
const at = (day: string, hh = '10') => new Date(`${day}T${hh}:00:00+08:00`);

/** The reminders job as cron runs it, then the outbox; returns the urgents Lark got in that run. */
function world(env: Record<string, string> = {}) {
  const w = { h: undefined as unknown as Harness, now: at('2026-11-02') };
  useCampaign({ clock: () => w.now, env }, (x) => {
    w.h = x;
  });
  const assignOn = async (day: string, args: string) => {
    w.now = at(day, '09');
    const { code } = await assignAs(w.h, args);
    await w.h.dispatch();
    w.h.drain();
    return code;
  };
  const remind = async (day: string) => {
    w.now = at(day);
    const before = w.h.fake.urgents.length;
    const result = (await w.h.service.deps.runJob!('reminders', w.now)) as { skipped?: string };
    await w.h.dispatch();
    const got = w.h.drain().map(read);
    const urgents = w.h.fake.urgents.slice(before).map((u) => ({
      ...u,
      message: w.h.fake.messages.find((m) => m.messageId === u.messageId),
    }));
    /** The urgents on the reminder holding `code`, as [mode, receiver] pairs. */
    const on = (code: string) =>
      urgents
        .filter((u) => u.message && read(u.message).text.includes(code))
        .flatMap((u) => u.userIds.map((id) => `${u.mode}:${id}`))
        .sort();
    return { result, got, urgents, on };
  };
  return { w, assignOn, remind };
}

describe('加急 on reminders', () => {
  const { w, assignOn, remind } = world();

  it('urges each lead contact once a day from the supervisor step, on their reminder, not before', async () => {
    // Deadline Wed 11-04: Thu 1, Fri 2, Mon 11-09 3 workdays overdue (ESCALATE_SUPERVISOR_WORKDAYS=3).
    const code = await assignOn('2026-11-02', '加急测试 单位:市人社局 期限:2026-11-04');
    expect((await remind('2026-11-05')).on(code)).toEqual([]);
    expect((await remind('2026-11-06')).on(code)).toEqual([]);
    const mon = await remind('2026-11-09');
    expect(mon.on(code)).toEqual([`app:${P.lead1}`, `app:${P.lead2}`]);
    // On the very message the contact received: one reminder per person, and it is the one urged.
    for (const who of [P.lead1, P.lead2]) {
      const mine = mon.got.filter((m) => m.receiveId === who);
      expect(mine).toHaveLength(1);
      expect(mon.urgents.find((u) => u.userIds.includes(who))!.messageId).toBe(mine[0]!.messageId);
    }
    // Supervisors get their 请督导 reminder, never an urgent; no SMS without URGENT_SMS.
    expect(mon.got.some((m) => m.receiveId === P.sup && m.text.includes(code))).toBe(true);
    expect(mon.urgents.some((u) => u.userIds.includes(P.sup) || u.mode === 'sms')).toBe(false);
    // A second run the same day: no reminder, no urgent.
    expect((await remind('2026-11-09')).urgents).toEqual([]);
    // The next workday: once more each.
    expect((await remind('2026-11-10')).on(code)).toEqual([`app:${P.lead1}`, `app:${P.lead2}`]);
  });

  it('never urges on a weekend or holiday', async () => {
    const code = await assignOn('2026-11-02', '周末加急 单位:市教育局 期限:2026-11-03');
    const sat = await remind('2026-11-07');
    expect(sat.result.skipped).toContain('不是工作日');
    expect(sat.urgents).toEqual([]);
    const newYear = await remind('2027-01-01');
    expect(newYear.result.skipped).toContain('不是工作日');
    expect(newYear.urgents).toEqual([]);
    // The next workday after the weekend does urge (the problem is 4 workdays overdue).
    expect((await remind('2026-11-09')).on(code)).toEqual([`app:${P.other}`]);
  });

  it('never urges for a withdrawn problem', async () => {
    const code = await assignOn('2026-11-12', '撤销后不加急 单位:市民政局 期限:2026-11-13');
    const [p] = await w.h.database.db.select().from(problems).where(eq(problems.code, code));
    await w.h.click(P.staff, {
      messageId: 'om_w_urgent',
      value: { action: 'p.withdraw', pid: p!.id },
      formValue: { reason: '重复交办' },
    });
    await w.h.dispatch();
    w.h.drain();
    const r = await remind('2026-11-23');
    expect(r.got.some((m) => m.text.includes(code))).toBe(false);
    expect(r.urgents.filter((u) => u.userIds.includes(P.co))).toEqual([]);
  });
});

describe('加急 refused by Lark', () => {
  const { w, assignOn, remind } = world();

  it('at 200 unread urgents the refusal is logged once and not retried; the reminder still arrives', async () => {
    const code = await assignOn('2026-11-02', '加急上限 单位:市民政局 期限:2026-11-04');
    w.h.fake.setUnreadUrgents(P.co, 200);
    const r = await remind('2026-11-09');
    expect(r.got.some((m) => m.receiveId === P.co && m.text.includes(code))).toBe(true);
    expect(r.urgents).toEqual([]);
    const calls = () => w.h.fake.requests.filter((q) => q.path.endsWith('/urgent_app')).length;
    expect(calls()).toBe(1);
    const [row] = await w.h.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'urgent_app'), like(outbox.receiveId, P.co)));
    expect([row!.status, row!.errorCode]).toEqual(['failed', LarkCodes.urgentLimit]);
    expect(w.h.logs.some((l) => l.action === 'outbox.failed' && l.code === LarkCodes.urgentLimit)).toBe(true);
    // Later dispatches (an hour on) do not try again.
    await w.h.dispatch(at('2026-11-09', '11'));
    expect(calls()).toBe(1);
  });
});

describe('加急 with URGENT_SMS=1', () => {
  const { assignOn, remind } = world({ URGENT_SMS: '1', ESCALATE_ADMIN_WORKDAYS: '5' });

  it('adds an SMS urgent from the admin step only', async () => {
    // Deadline Wed 11-04: Mon 11-09 is 3 workdays overdue, Wed 11-11 is 5.
    const code = await assignOn('2026-11-02', '短信加急 单位:市教育局 期限:2026-11-04');
    expect((await remind('2026-11-09')).on(code)).toEqual([`app:${P.other}`]);
    expect((await remind('2026-11-10')).on(code)).toEqual([`app:${P.other}`]);
    expect((await remind('2026-11-11')).on(code)).toEqual([`app:${P.other}`, `sms:${P.other}`]);
  });
});
