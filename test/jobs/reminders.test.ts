import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { problems } from '../../db/schema/index.js';
import { openDatabase } from '../../src/entry/database.js';
import { createLogger } from '../../src/log.js';
import { runReminders } from '../../src/services/reminders.js';
import { assignAs, cardOf, P, press, read, useCampaign } from '../support/campaign.js';
import { onPostgres } from '../support/db.js';
import type { Harness } from '../support/harness.js';

/** 10:00 in Asia/Shanghai on a day. */
const at = (day: string, hh = '10') => new Date(`${day}T${hh}:00:00+08:00`);
let now = at('2026-11-02'); // Monday
let h: Harness;

useCampaign({ clock: () => now }, (x) => {
  h = x;
});

async function assignOn(day: string, args: string) {
  now = at(day, '09');
  const { code } = await assignAs(h, args);
  h.drain();
  return code;
}

/** Runs the job as `npm run job -- reminders --at` would, then returns what each person received. */
async function remind(day: string) {
  now = at(day);
  const result = (await h.service.deps.runJob!('reminders', now)) as Awaited<ReturnType<typeof runReminders>>;
  await h.dispatch();
  const got = h.drain().map(read);
  const to = (who: string) => got.filter((m) => m.receiveId === who);
  return { result, got, to };
}

const problemId = async (code: string) =>
  (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!.id;

describe('reminders', () => {
  it('does nothing on a non-workday and says so', async () => {
    await assignOn('2026-11-02', '周末测试 单位:市教育局 期限:2026-11-03');
    const sat = await remind('2026-11-07');
    expect(sat.result.skipped).toContain('不是工作日');
    expect(sat.got).toHaveLength(0);
    // Sunday 2026-09-20 was a make-up workday (调休): the job runs then.
    const madeUp = await runReminders(
      { db: h.database.db, config: h.service.deps.config, log: createLogger('silent') },
      at('2026-09-20'),
    );
    expect(madeUp.skipped).toBeUndefined();
  });

  it('chases an unacknowledged problem each workday until it is acknowledged, once a day', async () => {
    const code = await assignOn('2026-11-09', '未签收提醒 单位:市人社局 期限:2026-12-31');
    expect((await remind('2026-11-09')).to(P.lead1).filter((m) => m.text.includes(code))).toHaveLength(0);
    const tue = await remind('2026-11-10');
    const card = tue.to(P.lead1).find((m) => m.text.includes(code))!;
    expect(card.text).toContain('未签收（已交办 1 个工作日）');
    expect(card.buttons.map((b) => b.label)).toContain('签收');
    expect(tue.to(P.lead2).some((m) => m.text.includes(code))).toBe(true);
    // Twice the same day: nothing new.
    expect((await remind('2026-11-10')).got.filter((m) => m.text.includes(code))).toHaveLength(0);
    const wed = await remind('2026-11-11');
    expect(wed.to(P.lead1).find((m) => m.text.includes(code))!.text).toContain('已交办 2 个工作日');
    // The reminder's own 签收 button works (fresh buttons).
    const ans = await press(h, P.lead1, wed.to(P.lead1).find((m) => m.text.includes(code))!, '签收');
    expect(ans.toast?.type).toBe('success');
    expect((await remind('2026-11-12')).got.filter((m) => m.text.includes(code))).toHaveLength(0);
  });

  it('one message per person per run lists all their problems', async () => {
    const a = await assignOn('2026-11-16', '甲问题 单位:市民政局 期限:2026-11-17');
    const b = await assignOn('2026-11-16', '乙问题 单位:市民政局 期限:2026-11-18');
    const r = await remind('2026-11-17');
    const mine = r.to(P.co);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.text).toContain(a);
    expect(mine[0]!.text).toContain(b);
    expect(mine[0]!.text).toContain('黄灯');
  });

  it('escalates overdue problems: contacts every workday, supervisors from 3, admins (通报) from 10 workdays', async () => {
    const code = await assignOn('2026-11-02', '逾期升级 单位:市教育局 期限:2026-11-04');
    await press(h, P.other, cardOf(h, P.other, code), '签收').catch(() => undefined);
    await h.dispatch();
    h.drain();
    const d1 = await remind('2026-11-05');
    expect(d1.to(P.other).find((m) => m.text.includes(code))!.text).toContain('红灯：逾期 1 个工作日');
    expect(d1.to(P.sup).some((m) => m.text.includes(code))).toBe(false);
    const d3 = await remind('2026-11-09');
    expect(d3.to(P.other).find((m) => m.text.includes(code))!.text).toContain('逾期 3 个工作日');
    expect(d3.to(P.sup).find((m) => m.text.includes(code))!.text).toContain('逾期 3 个工作日，请督导');
    expect(d3.to(P.admin).some((m) => m.text.includes(code))).toBe(false);
    const d10 = await remind('2026-11-18');
    const report = d10.to(P.admin).find((m) => m.text.includes(code))!;
    expect(report.text).toContain('【通报】');
    expect(report.text).toContain('通报：逾期 10 个工作日');
  });

  it('waiting requests chase the deciders, not the unit; an extended problem is no longer overdue', async () => {
    const code = await assignOn('2026-11-02', '等待审核 单位:市人社局 期限:2026-11-04');
    await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    await h.dispatch();
    now = at('2026-11-05');
    await press(h, P.lead1, cardOf(h, P.lead1, code), '申请延期', {
      new_deadline: '2026-12-31',
      reason: '需财政配套',
    });
    await h.dispatch();
    h.drain();
    const day1 = await remind('2026-11-06');
    expect(day1.to(P.lead1).some((m) => m.text.includes(code))).toBe(false);
    expect(day1.to(P.staff).some((m) => m.text.includes(code))).toBe(false);
    const day2 = await remind('2026-11-09');
    // Outside any supervision group, staff decide (docs/decisions/0009-separation-of-duties.md).
    expect(day2.to(P.lead1).some((m) => m.text.includes(code))).toBe(false);
    expect(day2.to(P.staff).find((m) => m.text.includes(code))!.text).toContain('延期申请待审核 2 个工作日');
    // Old cards stop working after 14 days: the reminder's 查看 opens a fresh card to decide on.
    const fresh = await press(h, P.staff, day2.to(P.staff).find((m) => m.text.includes(code))!, '查看');
    const freshCard = read({ ...day2.to(P.staff)[0]!, content: JSON.stringify(fresh.card!.data) });
    expect((await press(h, P.staff, freshCard, '同意延期')).toast?.type).toBe('success');
    await h.dispatch();
    h.drain();
    const after = await remind('2026-11-10');
    expect(after.got.some((m) => m.text.includes(code))).toBe(false);
  });

  it('sends nothing for a closed or withdrawn problem', async () => {
    const code = await assignOn('2026-11-02', '已撤销 单位:市人社局 期限:2026-11-03');
    const id = await problemId(code);
    await h.click(P.staff, {
      messageId: 'om_w',
      value: { action: 'p.withdraw', pid: id },
      formValue: { reason: '重复' },
    });
    await h.dispatch();
    h.drain();
    expect((await remind('2026-11-10')).got.some((m) => m.text.includes(code))).toBe(false);
  });

  it('chases long-term problems silent for 10 workdays', async () => {
    const code = await assignOn('2026-10-12', '长期未反馈 单位:市人社局 期限:2027-06-30 时效:长期整改');
    now = at('2026-10-12', '11');
    await press(h, P.lead2, cardOf(h, P.lead2, code), '签收');
    await h.dispatch();
    h.drain();
    expect((await remind('2026-10-23')).got.some((m) => m.text.includes(code))).toBe(false);
    const r = await remind('2026-10-26');
    expect(r.to(P.lead2).find((m) => m.text.includes(code))!.text).toContain(
      '长期整改已 10 个工作日未反馈进展',
    );
  });
});

describe.runIf(onPostgres())('two instances on PostgreSQL', () => {
  it('send each reminder once', async () => {
    const code = await assignOn('2026-11-23', '双实例 单位:市民政局 期限:2026-11-24');
    const second = await openDatabase({ url: h.database.url!, max: 3 }, { migrate: false });
    try {
      const log = createLogger('silent');
      const day = at('2026-11-25');
      const [a, b] = await Promise.all([
        runReminders({ db: h.database.db, config: h.service.deps.config, log }, day),
        runReminders({ db: second.db, config: h.service.deps.config, log }, day),
      ]);
      expect(a.messages + b.messages).toBeGreaterThan(0);
      expect(Math.min(a.messages, b.messages)).toBe(0);
      await h.dispatch();
      const got = h
        .drain()
        .map(read)
        .filter((m) => m.receiveId === P.co && m.text.includes(code));
      expect(got).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
