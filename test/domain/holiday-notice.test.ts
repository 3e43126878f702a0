import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { WorkdayCalendar } from '../../src/domain/calendar.js';
import { addDays, weekday } from '../../src/domain/dates.js';
import { parseHolidayNotice } from '../../src/domain/holiday-notice.js';
import { NOTICE_2026, NOTICE_2027 } from '../support/notices.js';

const dates = (days: { date: string }[]) => days.map((d) => d.date);
const everyDay = (year: number) => {
  const out: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) out.push(d);
  return out;
};

describe('parseHolidayNotice: the 2026 notice as published', () => {
  const n = parseHolidayNotice(NOTICE_2026);

  it('reads the year from the title, not from the signature date (2025年11月4日)', () => {
    expect(n.year).toBe(2026);
    expect(n.warnings).toEqual([]);
  });

  it('reads every holiday run and make-up workday with its festival', () => {
    expect(n.workdays).toEqual([
      { date: '2026-01-04', name: '元旦' },
      { date: '2026-02-14', name: '春节' },
      { date: '2026-02-28', name: '春节' },
      { date: '2026-05-09', name: '劳动节' },
      { date: '2026-09-20', name: '国庆节' },
      { date: '2026-10-10', name: '国庆节' },
    ]);
    expect(n.holidays).toHaveLength(33);
    expect(n.holidays.filter((d) => d.name === '春节').map((d) => d.date)).toEqual(
      everyDay(2026).filter((d) => d >= '2026-02-15' && d <= '2026-02-23'),
    );
    expect(n.holidays.find((d) => d.date === '2026-04-05')).toEqual({ date: '2026-04-05', name: '清明节' });
  });

  it('agrees with chinese-days on every day of 2026', () => {
    const off = new Set(dates(n.holidays));
    const on = new Set(dates(n.workdays));
    const fromNotice = (d: string) =>
      off.has(d) ? false : on.has(d) ? true : weekday(d) !== 0 && weekday(d) !== 6;
    const days = everyDay(2026);
    expect(days).toHaveLength(365);
    const disagree = days.filter((d) => fromNotice(d) !== chineseDays.isWorkday(d));
    expect(disagree).toEqual([]);
    // Same sets, not only the same answers: every package holiday/make-up day is in the notice.
    expect(dates(n.holidays)).toEqual(
      days.filter((d) => chineseDays.isHoliday(d) && chineseDays.getDayDetail(d).name.includes(',')),
    );
  });

  it('reads the same text folded as chat delivers it (：→: ，、→,)', () => {
    const folded = NOTICE_2026.replace(/：/g, ':')
      .replace(/[，、]/g, ',')
      .replace(/　/g, ' ');
    expect(parseHolidayNotice(folded)).toEqual(n);
  });

  it('reads it pasted as one line, and hard-wrapped inside a sentence', () => {
    expect(parseHolidayNotice(NOTICE_2026.replace(/\n/g, ''))).toMatchObject({
      holidays: n.holidays,
      workdays: n.workdays,
    });
    const wrapped = NOTICE_2026.replace('10月1日（周四）至', '10月1日（周四）至\n');
    expect(parseHolidayNotice(wrapped).holidays).toEqual(n.holidays);
  });

  it('refuses a year argument that contradicts the title', () => {
    expect(() => parseHolidayNotice(NOTICE_2026, 2027)).toThrow('与指定的 2027 年不符');
  });
});

describe('parseHolidayNotice: a 2027 notice', () => {
  const n = parseHolidayNotice(NOTICE_2027);

  it('reads 星期 weekdays, single days, and lists of make-up days', () => {
    expect(n.year).toBe(2027);
    expect(n.warnings).toEqual([]);
    expect(n.workdays.map((d) => `${d.date} ${d.name}`)).toEqual([
      '2027-02-20 春节',
      '2027-04-25 劳动节',
      '2027-05-08 劳动节',
      '2027-09-26 国庆节',
      '2027-10-09 国庆节',
    ]);
    expect(n.holidays.filter((d) => d.name === '端午节')).toEqual([{ date: '2027-06-09', name: '端午节' }]);
    expect(n.holidays.filter((d) => d.name === '春节').map((d) => d.date)).toEqual(
      everyDay(2027).filter((d) => d >= '2027-02-05' && d <= '2027-02-13'),
    );
  });

  it('imported, it makes 2027 a confirmed year with its 调休', () => {
    const cal = new WorkdayCalendar(
      [
        ...n.holidays.map((d) => ({ ...d, workday: false })),
        ...n.workdays.map((d) => ({ ...d, workday: true })),
      ],
      [2027],
    );
    expect(cal.isConfirmed('2027-03-01')).toBe(true);
    expect(cal.isWorkday('2027-02-20')).toBe(true); // Saturday make-up day
    expect(cal.isWorkday('2027-02-10')).toBe(false); // Wednesday inside 春节
    expect(cal.isWorkday('2027-10-04')).toBe(false); // Monday inside 国庆
    expect(cal.isWorkday('2027-10-08')).toBe(true);
    expect(cal.addWorkdays('2027-09-30', 1)).toBe('2027-10-08');
  });
});

describe('parseHolidayNotice: forms seen in other years', () => {
  it('a cross-month range and a combined 国庆节、中秋节 heading', () => {
    const n = parseHolidayNotice(
      '一、国庆节、中秋节：9月30日至10月8日放假调休，共9天。9月26日（星期日）、10月9日（星期六）上班。',
      2027,
    );
    expect(n.holidays.map((d) => d.date)).toEqual([
      '2027-09-30',
      ...everyDay(2027).filter((d) => d >= '2027-10-01' && d <= '2027-10-08'),
    ]);
    expect(new Set(n.holidays.map((d) => d.name))).toEqual(new Set(['国庆节、中秋节']));
  });

  it('explicit years: a 元旦 that starts in one year and ends in the next', () => {
    const n = parseHolidayNotice(
      '国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：2026年12月31日（星期四）至2027年1月2日（星期六）放假，共3天。2026年12月27日（星期日）上班。',
    );
    expect(n.holidays.map((d) => d.date)).toEqual(['2026-12-31', '2027-01-01', '2027-01-02']);
    expect(n.workdays.map((d) => d.date)).toEqual(['2026-12-27']);
    expect(n.warnings).toEqual([]);
  });

  it('a date of the next year written out (2027年1月1日) in a notice of 2026', () => {
    const n = parseHolidayNotice('一、元旦：12月31日至2027年1月1日放假，共2天。', 2026);
    expect(n.holidays.map((d) => d.date)).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('a single day: 4月5日（周日）放假', () => {
    const n = parseHolidayNotice('三、清明节：4月5日（周日）放假，共1天。', 2026);
    expect(n.holidays).toEqual([{ date: '2026-04-05', name: '清明节' }]);
  });

  it('headings without numerals, as an admin might type them', () => {
    const n = parseHolidayNotice('元旦：1月1日放假。\n国庆节：10月1日至3日放假', 2027);
    expect(n.holidays.map((d) => `${d.date} ${d.name}`)).toEqual([
      '2027-01-01 元旦',
      '2027-10-01 国庆节',
      '2027-10-02 国庆节',
      '2027-10-03 国庆节',
    ]);
  });

  it('advice about 除夕 in parentheses is not a holiday', () => {
    const n = parseHolidayNotice(
      '二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。',
      2024,
    );
    expect(n.holidays[0]!.date).toBe('2024-02-10');
    expect(n.holidays).toHaveLength(8);
    expect(n.warnings).toEqual([]);
  });

  it('warns when a stated weekday does not match (a notice of another year)', () => {
    const n = parseHolidayNotice(
      '一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。',
      2027,
    );
    expect(n.warnings.join('\n')).toContain('2027年1月1日标注为周四，实为周五');
  });

  it('warns about an impossible date and a make-up day that is already a workday', () => {
    const n = parseHolidayNotice('一、春节：2月30日放假。2月10日（周三）上班。二、元旦：1月1日放假。', 2027);
    expect(n.warnings.join('\n')).toMatch(/2月30日」不是真实存在的日期/);
    expect(n.warnings.join('\n')).toContain('本就是工作日');
    expect(n.holidays.map((d) => d.date)).toEqual(['2027-01-01']);
  });

  it.each([
    ['no year anywhere', '一、元旦：1月1日放假。', '无法从通知中确定年份'],
    ['nothing recognisable', '这是一段无关的文字。', '未能从中读出任何放假或上班日期'],
    [
      'a heading with no dates',
      '国务院办公厅关于2027年部分节假日安排的通知 一、元旦：另行通知。',
      '未能从中读出任何放假或上班日期',
    ],
  ])('rejects %s', (_label, text, message) => {
    expect(() => parseHolidayNotice(text)).toThrow(message);
  });
});
