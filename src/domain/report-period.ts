import { addDays, weekday } from './dates.js';

/** What a 通报 covers: its title's words and the days [from, to] whose events it lists. */
export interface ReportPeriod {
  label: string;
  from: string;
  to: string;
}

export const REPORT_FORM = '格式：/通报 [周|月|YYYY-MM]，如 /通报 月 或 /通报 2026-11';

/** ISO week number of a date (the week with the year's first Thursday is week 1). */
function isoWeek(date: string): { year: number; week: number } {
  const thursday = addDays(date, 4 - (weekday(date) || 7));
  const year = Number(thursday.slice(0, 4));
  const days = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000;
  return { year, week: Math.floor(days / 7) + 1 };
}

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** `周` (this week so far), `月` or nothing (this month so far), or `YYYY-MM`; an error text otherwise. */
export function parseReportPeriod(word: string | undefined, today: string): ReportPeriod | { error: string } {
  const w = (word ?? '月').trim();
  if (w === '周' || w === '本周') {
    const from = addDays(today, 1 - (weekday(today) || 7));
    const { year, week } = isoWeek(today);
    return { label: `${year}年第${week}周`, from, to: today };
  }
  if (w === '月' || w === '本月') {
    const [y, m] = today.split('-');
    return { label: `${y}年${Number(m)}月`, from: `${y}-${m}-01`, to: today };
  }
  const m = /^(\d{4})-(\d{1,2})$/.exec(w);
  if (!m) return { error: `无法识别「${w}」。${REPORT_FORM}` };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return { error: `「${w}」不是有效的月份：月份应为 01 至 12。${REPORT_FORM}` };
  const mm = String(mo).padStart(2, '0');
  const from = `${y}-${mm}-01`;
  if (from > today) return { error: `${y}年${mo}月尚未开始，无法通报。${REPORT_FORM}` };
  const end = `${y}-${mm}-${String(lastDay(y, mo)).padStart(2, '0')}`;
  return { label: `${y}年${mo}月`, from, to: end < today ? end : today };
}
