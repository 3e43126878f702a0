import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { WorkdayCalendar } from '../../src/domain/calendar.js';
import { todayIn } from '../../src/domain/dates.js';

const cal = new WorkdayCalendar();

describe('WorkdayCalendar on the 2026 statutory calendar', () => {
  it('a deadline just before 国庆 (10.1–10.7): the next workday after 9.30 is 10.8', () => {
    expect(cal.isWorkday('2026-09-30')).toBe(true);
    for (const d of ['2026-10-01', '2026-10-05', '2026-10-07']) expect(cal.isWorkday(d), d).toBe(false);
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-08');
    // 3个工作日 from Monday 9.28: 9.29, 9.30, 10.8.
    expect(cal.addWorkdays('2026-09-28', 3)).toBe('2026-10-08');
  });

  it('counts the make-up Saturday 10.10: a 9.30 deadline is 3 workdays overdue on 10.10', () => {
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.workdaysAfter('2026-09-30', '2026-10-09')).toBe(2); // 10.8, 10.9
    expect(cal.workdaysAfter('2026-09-30', '2026-10-10')).toBe(3); // + Saturday 10.10
    expect(cal.workdaysAfter('2026-09-30', '2026-10-11')).toBe(3); // Sunday 10.11 is not
    expect(cal.workdaysAfter('2026-09-30', '2026-09-30')).toBe(0);
  });

  it('Sunday 9.20 is a make-up workday; counting across it', () => {
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-09-19')).toBe(false);
    // Friday 9.18 + 1 workday = Sunday 9.20.
    expect(cal.addWorkdays('2026-09-18', 1)).toBe('2026-09-20');
  });

  it('"today" is the date in APP_TIMEZONE under a fixed clock', () => {
    const now = new Date('2026-09-29T17:30:00Z'); // 9.30 01:30 in Shanghai
    expect(todayIn(now, 'Asia/Shanghai')).toBe('2026-09-30');
    expect(cal.addWorkdays(todayIn(now, 'Asia/Shanghai'), 1)).toBe('2026-10-08');
    expect(cal.addWorkdays(todayIn(now, 'UTC'), 1)).toBe('2026-09-30');
  });
});

describe('overrides', () => {
  it('an admin override makes a Saturday a workday for N个工作日 counting', () => {
    // From Thursday 11.26: Fri 27, then Mon 30 — unless Saturday 28 is a workday.
    expect(cal.addWorkdays('2026-11-26', 2)).toBe('2026-11-30');
    const withSaturday = new WorkdayCalendar([{ date: '2026-11-28', workday: true, name: '调休' }]);
    expect(withSaturday.addWorkdays('2026-11-26', 2)).toBe('2026-11-28');
    expect(withSaturday.workdaysAfter('2026-11-26', '2026-11-30')).toBe(3);
  });

  it('an override turns a workday into a holiday, even inside the package years', () => {
    const c = new WorkdayCalendar([{ date: '2026-10-08', workday: false }]);
    expect(c.addWorkdays('2026-09-30', 1)).toBe('2026-10-09');
  });
});

describe('a year without published data (2027)', () => {
  it('is unconfirmed until a notice is imported', () => {
    expect(chineseDays.isWorkday('2027-01-01')).toBe(true); // the package does not know 2027
    expect(cal.isConfirmed('2026-12-31')).toBe(true);
    expect(cal.isConfirmed('2027-03-01')).toBe(false);
    expect(new WorkdayCalendar([], [2027]).isConfirmed('2027-03-01')).toBe(true);
  });

  it('falls back to Monday–Friday minus the holidays the law fixes, without 调休', () => {
    expect([...cal.statutoryHolidays(2027)].sort()).toEqual([
      '2027-01-01', // 元旦
      '2027-02-05', // 除夕
      '2027-02-06', // 初一
      '2027-02-07',
      '2027-02-08', // 初三
      '2027-04-05', // 清明
      '2027-05-01',
      '2027-05-02',
      '2027-06-09', // 端午
      '2027-09-15', // 中秋
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
    expect(cal.isWorkday('2027-01-01')).toBe(false); // Friday
    expect(cal.isWorkday('2027-02-08')).toBe(false); // Monday, 初三
    expect(cal.isWorkday('2027-02-09')).toBe(true);
    expect(cal.isWorkday('2027-05-03')).toBe(true); // 劳动节 is 5.1–5.2 only, no 调休
    expect(cal.isWorkday('2027-10-04')).toBe(true); // 国庆 is 10.1–10.3 only
    expect(cal.isWorkday('2027-02-20')).toBe(false); // Saturday: no make-up days are guessed
    expect(cal.addWorkdays('2027-09-30', 1)).toBe('2027-10-04');
  });

  it("the law's days fall on published holidays in years the package knows (checks the lunar conversion)", () => {
    for (const y of [2025, 2026])
      for (const d of cal.statutoryHolidays(y)) expect(chineseDays.isHoliday(d), d).toBe(true);
  });
});
