import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, calendarDays, calendarDrafts, calendarYears, problems } from '../../db/schema/index.js';
import { loadCalendar } from '../../src/services/calendar/load.js';
import { ask, codeIn, P, press, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';
import { NOTICE_2026, NOTICE_2027 } from '../support/notices.js';

let h: Harness;
let now = new Date('2026-09-28T02:00:00Z'); // Monday 10:00 in Asia/Shanghai, just before 国庆
useCampaign(
  { clock: () => now },
  (x) => {
    h = x;
  },
  {
    first: () => {
      now = new Date('2026-09-28T02:00:00Z');
    },
  },
);

const db = () => h.database.db;
const deadlineOf = async (code: string) =>
  (await db().select().from(problems).where(eq(problems.code, code)))[0]!.deadline;
const count = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
const auditsOf = (action: string) => db().select().from(auditLog).where(eq(auditLog.action, action));

async function assign(args: string) {
  const r = await ask(h, P.staff, `/交办 ${args}`);
  const code = codeIn(r.text);
  expect(code, r.text).not.toBe('');
  return { code, text: r.text };
}

/** /日历 导入 …, then a click on the card's button; returns the card and the click's answer. */
async function importNotice(text: string, label: '确认导入' | '取消' = '确认导入', who: string = P.admin) {
  const draft = await ask(h, P.admin, `/日历 导入\n${text}`);
  const answer = await press(h, who, draft, label);
  return { draft, answer };
}

describe('deadlines through chat, on the 2026 calendar', () => {
  it('期限:3个工作日 on Monday 9.28 is 10.8 (9.29, 9.30, then 国庆 10.1–10.7)', async () => {
    const { code } = await assign('国庆前的期限 单位:市人社局 期限:3个工作日');
    expect(await deadlineOf(code)).toBe('2026-10-08');
  });

  it('期限:1个工作日 on Friday 9.18 is Sunday 9.20, a make-up workday', async () => {
    now = new Date('2026-09-18T02:00:00Z');
    const { code } = await assign('调休上班日 单位:市人社局 期限:1个工作日');
    expect(await deadlineOf(code)).toBe('2026-09-20');
  });

  it('a 2026 deadline carries no "unconfirmed" warning', async () => {
    const { text } = await assign('年内期限 单位:市人社局 期限:2026-12-31');
    expect(text).not.toContain('未经确认');
  });
});

describe('/日历 设置 and 删除', () => {
  it('an override makes a Saturday a workday for N个工作日 counting, and its removal undoes it', async () => {
    now = new Date('2026-11-26T02:00:00Z'); // Thursday
    const before = await assign('周六不上班 单位:市人社局 期限:2个工作日');
    expect(await deadlineOf(before.code)).toBe('2026-11-30');

    const set = await ask(h, P.admin, '/日历 设置 2026-11-28 工作日 全市集中办公日');
    expect(set.text).toContain('已将 2026年11月28日（周六） 设为工作日（全市集中办公日）');
    expect(set.text).toContain('原为：2026年11月28日（周六） 休息〔常规〕');
    const during = await assign('周六上班 单位:市人社局 期限:2个工作日');
    expect(await deadlineOf(during.code)).toBe('2026-11-28');
    const [row] = await db().select().from(calendarDays).where(eq(calendarDays.date, '2026-11-28'));
    expect(row).toMatchObject({
      workday: true,
      source: 'override',
      name: '全市集中办公日',
      createdBy: P.admin,
    });

    const view = await ask(h, P.admin, '/日历 查看 2026-11');
    expect(view.text).toContain('11月28日（周六） 工作日（全市集中办公日）〔单日设置〕');

    const removed = await ask(h, P.admin, '/日历 删除 2026-11-28');
    expect(removed.text).toContain('已删除 2026年11月28日（周六） 的单日设置');
    const after = await assign('又不上班 单位:市人社局 期限:2个工作日');
    expect(await deadlineOf(after.code)).toBe('2026-11-30');

    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'calendar_day'), eq(auditLog.subjectId, '2026-11-28')));
    expect(audits.map((a) => a.action)).toEqual(['calendar.day_set', 'calendar.day_removed']);
    expect(audits[0]!.actorOpenId).toBe(P.admin);
  });

  it('a holiday override moves a deadline past it', async () => {
    now = new Date('2026-12-29T02:00:00Z'); // Tuesday
    await ask(h, P.admin, '/日历 设置 2026-12-31 休息日 年终盘点');
    const { code } = await assign('跨年 单位:市人社局 期限:2个工作日');
    // Wed 12.30, Thu 12.31 now off, Fri 1.1 元旦, the weekend → Monday 2027-01-04.
    expect(await deadlineOf(code)).toBe('2027-01-04');
    await ask(h, P.admin, '/日历 删除 2026-12-31');
  });

  it.each([
    ['/日历 设置 2026-02-30 工作日', '不是有效日期'],
    ['/日历 设置 2026-10-10', '请写明“工作日”或“休息日”'],
    ['/日历 设置 2026-10-10 上午', '「上午」无效'],
    ['/日历 设置', '缺少日期'],
    ['/日历 删除 2026-10-12', '没有单日设置'],
    ['/日历 查看 2026-13', '不是有效月份'],
    ['/日历 修改 2026-10-10', '未识别的操作「修改」'],
    ['/日历 导入', '请在命令后粘贴'],
    ['/日历 导入 随便写点什么', '未能从中读出任何放假或上班日期'],
    ['/日历 导入 一、元旦：1月1日放假。', '无法从通知中确定年份'],
  ])('%s → a reply saying what is wrong and the right form', async (cmd, expected) => {
    const r = await ask(h, P.admin, cmd);
    expect(r.text).toContain(expected);
    expect(r.text).toMatch(/\/日历|通知/);
  });

  it('only admins may use /日历 (staff and contacts are refused, nothing stored)', async () => {
    for (const who of [P.staff, P.lead1]) {
      const r = await ask(h, who, '/日历 设置 2026-10-12 休息日');
      expect(r.text).toContain('仅限管理员');
    }
    expect(
      await count(
        db()
          .select({ n: sql<number>`count(*)::int` })
          .from(calendarDays)
          .where(eq(calendarDays.date, '2026-10-12')),
      ),
    ).toBe(0);
  });
});

describe('/日历 导入', () => {
  it('imports the 2026 notice after 确认导入: days stored, year confirmed, audited, draft gone', async () => {
    const draft = await ask(h, P.admin, `/日历 导入\n${NOTICE_2026}`);
    expect(draft.text).toContain('导入 2026 年节假日安排（待确认）');
    expect(draft.text).toContain(
      '国庆节：放假：10月1日（周四）至10月7日（周三），共7天\n上班：9月20日（周日）、10月10日（周六）',
    );
    expect(draft.text).toContain('春节：放假：2月15日（周日）至2月23日（周一），共9天');
    expect(draft.text).toContain('没有变化');
    expect(draft.buttons.map((b) => b.label)).toEqual(['确认导入', '取消']);
    expect(
      await count(
        db()
          .select({ n: sql<number>`count(*)::int` })
          .from(calendarYears)
          .where(eq(calendarYears.year, 2026)),
      ),
    ).toBe(0);

    const answer = await press(h, P.admin, draft, '确认导入');
    expect(answer.toast).toMatchObject({ type: 'success', content: '已导入 2026 年节假日安排' });
    const done = read({ ...draft, content: JSON.stringify(answer.card!.data) });
    expect(done.text).toContain('已导入 2026 年节假日安排');
    expect(done.buttons).toEqual([]);

    const [year] = await db().select().from(calendarYears).where(eq(calendarYears.year, 2026));
    expect(year).toMatchObject({ year: 2026, importedBy: P.admin });
    expect(year!.noticeSha256).toMatch(/^[0-9a-f]{64}$/);
    const days = await db().select().from(calendarDays).where(eq(calendarDays.source, 'notice'));
    expect(days.filter((d) => d.date.startsWith('2026'))).toHaveLength(39); // 33 holidays + 6 make-up days
    expect(days.find((d) => d.date === '2026-10-10')).toMatchObject({ workday: true, name: '国庆节' });
    expect(days.find((d) => d.date === '2026-10-01')).toMatchObject({ workday: false, name: '国庆节' });
    expect(await count(db().select({ n: sql<number>`count(*)::int` }).from(calendarDrafts))).toBe(0);
    expect(await auditsOf('calendar.notice_imported')).toHaveLength(1);

    // The calendar in force answers as before (the notice matches the package) …
    const cal = await loadCalendar(db());
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.workdaysAfter('2026-09-30', '2026-10-10')).toBe(3);
    // … and a second click on the old card changes nothing.
    const again = await h.click(P.admin, { messageId: draft.messageId, value: draft.buttons[0]!.value });
    expect(again.body.toast).toMatchObject({ type: 'error' });
    expect(again.body.toast!.content).toContain('已确认或已取消');
    expect(await auditsOf('calendar.notice_imported')).toHaveLength(1);

    const view = await ask(h, P.admin, '/日历 查看 2026-10');
    expect(view.text).toContain('已确认（管理员甲于');
    expect(view.text).toContain('10月10日（周六） 调休上班（国庆节）〔导入的通知〕');
  });

  it("re-importing replaces the year's notice days and keeps an admin's override", async () => {
    await ask(h, P.admin, '/日历 设置 2026-05-09 休息日 单位活动');
    const { draft, answer } = await importNotice(NOTICE_2026);
    expect(draft.text).toContain('确认后将替换原导入的安排');
    expect(draft.text).toContain('以下日期有管理员的单日设置，导入后仍以单日设置为准：5月9日（周六）');
    expect(answer.toast?.type).toBe('success');
    const [may9] = await db().select().from(calendarDays).where(eq(calendarDays.date, '2026-05-09'));
    expect(may9).toMatchObject({ source: 'override', workday: false, name: '单位活动' });
    const notice2026 = await db()
      .select()
      .from(calendarDays)
      .where(
        and(
          eq(calendarDays.source, 'notice'),
          sql`${calendarDays.date} between '2026-01-01' and '2026-12-31'`,
        ),
      );
    expect(notice2026).toHaveLength(38);
    await ask(h, P.admin, '/日历 删除 2026-05-09');
  });

  it('racing clicks: one draft confirmed once; two drafts of one year both land, one after the other', async () => {
    const before = (await auditsOf('calendar.notice_imported')).length;
    const a = await ask(h, P.admin, `/日历 导入\n${NOTICE_2026}`);
    const b = await ask(h, P.admin, `/日历 导入\n${NOTICE_2026}`);
    const va = a.buttons.find((x) => x.label === '确认导入')!.value;
    const vb = b.buttons.find((x) => x.label === '确认导入')!.value;
    const same = await Promise.all([
      h.click(P.admin, { messageId: a.messageId, value: va }),
      h.click(P.admin, { messageId: a.messageId, value: va }),
    ]);
    expect(same.map((r) => r.body.toast?.type).sort()).toEqual(['error', 'success']);
    const c = await ask(h, P.admin, `/日历 导入\n${NOTICE_2026}`);
    const vc = c.buttons.find((x) => x.label === '确认导入')!.value;
    const both = await Promise.all([
      h.click(P.admin, { messageId: b.messageId, value: vb }),
      h.click(P.admin, { messageId: c.messageId, value: vc }),
    ]);
    expect(both.map((r) => r.body.toast?.type)).toEqual(['success', 'success']);
    expect(await auditsOf('calendar.notice_imported')).toHaveLength(before + 3);
    const rows = await db()
      .select()
      .from(calendarDays)
      .where(sql`${calendarDays.date} between '2026-01-01' and '2026-12-31'`);
    expect(rows.filter((r) => r.source === 'notice')).toHaveLength(39);
  });

  it('取消 drops the draft and changes nothing', async () => {
    const before = await count(db().select({ n: sql<number>`count(*)::int` }).from(calendarDays));
    const { answer } = await importNotice(NOTICE_2026.replace(/2026/g, '2031'), '取消');
    expect(answer.toast).toMatchObject({ type: 'info' });
    expect(await count(db().select({ n: sql<number>`count(*)::int` }).from(calendarDays))).toBe(before);
    expect(
      await count(
        db()
          .select({ n: sql<number>`count(*)::int` })
          .from(calendarYears)
          .where(eq(calendarYears.year, 2031)),
      ),
    ).toBe(0);
    expect(await count(db().select({ n: sql<number>`count(*)::int` }).from(calendarDrafts))).toBe(0);
  });

  it('a non-admin clicking 确认导入 is refused and the draft stays for an admin', async () => {
    const draft = await ask(
      h,
      P.admin,
      `/日历 导入 2032 ${NOTICE_2027.replace(/关于2027年/, '关于年').replace(/现将2027年/, '现将')}`,
    );
    expect(draft.text).toContain('导入 2032 年节假日安排');
    expect(draft.text).toContain('标注为周五，实为'); // the weekdays are 2027's: the card warns
    for (const who of [P.staff, P.sup]) {
      const r = await h.click(who, {
        messageId: draft.messageId,
        value: draft.buttons.find((b) => b.label === '确认导入')!.value,
      });
      expect(r.status).toBe(200);
      expect(r.body.toast).toMatchObject({ type: 'error' });
      expect(r.body.toast!.content).toContain('只有管理员');
    }
    expect(
      await count(
        db()
          .select({ n: sql<number>`count(*)::int` })
          .from(calendarYears)
          .where(eq(calendarYears.year, 2032)),
      ),
    ).toBe(0);
    expect(await count(db().select({ n: sql<number>`count(*)::int` }).from(calendarDrafts))).toBe(1);
    expect((await press(h, P.admin, draft, '取消')).toast?.type).toBe('info');
  });

  it('a 2027 deadline is flagged 未经确认 until the 2027 notice is imported', async () => {
    now = new Date('2026-11-26T02:00:00Z');
    expect((await loadCalendar(db())).isConfirmed('2027-03-01')).toBe(false);
    const early = await assign('跨年问题 单位:市人社局 期限:2027-03-01');
    expect(early.text).toContain('2027年节假日安排尚未发布，工作日按法定节假日推算，未经确认');
    const fallback = await ask(h, P.admin, '/日历 查看 2027-10');
    expect(fallback.text).toContain('未经确认');
    expect(fallback.text).toContain('10月1日（周五） 休息（国庆节）〔按法定节假日推算〕');
    expect(fallback.text).not.toContain('10月4日');

    const { draft, answer } = await importNotice(NOTICE_2027);
    expect(draft.text).toContain('与当前日历相比');
    expect(draft.text).toContain('2月20日（周六）：休息日 → 工作日');
    expect(answer.toast?.type).toBe('success');

    const cal = await loadCalendar(db());
    expect(cal.isConfirmed('2027-03-01')).toBe(true);
    expect(cal.isWorkday('2027-02-20')).toBe(true);
    expect(cal.isWorkday('2027-10-04')).toBe(false);
    const later = await assign('跨年问题二 单位:市人社局 期限:2027-03-01');
    expect(later.text).not.toContain('未经确认');
    const confirmed = await ask(h, P.admin, '/日历 查看 2027-10');
    expect(confirmed.text).toContain('已确认');
    expect(confirmed.text).toContain('10月4日（周一） 休息（国庆节）〔导入的通知〕');
  });
});
