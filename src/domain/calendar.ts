import chineseDays from 'chinese-days';
import { addDays, weekday } from './dates.js';

/**
 * Workdays on the Chinese statutory calendar with 调休 make-up days (chinese-days), plus admin
 * overrides. Years the package has no data for fall back to Monday–Friday minus the holidays the
 * law fixes, and are reported as unconfirmed.
 */
export interface DayOverride {
  date: string;
  workday: boolean;
  name?: string;
}

const ANCHOR = '2000-01-01';
const MAX_CUMULATIVE = '2100-12-31';

/** The last year chinese-days carries published data for. */
export const LAST_PUBLISHED_YEAR = 2026;

export class WorkdayCalendar {
  private readonly overrides = new Map<string, DayOverride>();
  private readonly fallbackCache = new Map<number, Set<string>>();
  /** Years with an imported State Council notice: confirmed even past the package's data. */
  private readonly importedYears = new Set<number>();

  constructor(overrides: DayOverride[] = [], importedYears: number[] = []) {
    for (const o of overrides) this.overrides.set(o.date, o);
    for (const y of importedYears) this.importedYears.add(y);
  }

  isConfirmed(date: string): boolean {
    const year = Number(date.slice(0, 4));
    return year <= LAST_PUBLISHED_YEAR || this.importedYears.has(year);
  }

  private readonly memo = new Map<string, boolean>();
  /** Workdays from ANCHOR up to and including a date: workdaysAfter becomes a subtraction. */
  private readonly cumulative = new Map<string, number>();
  private cumulativeEnd = ANCHOR;

  isWorkday(date: string): boolean {
    let v = this.memo.get(date);
    if (v === undefined) {
      v = this.computeWorkday(date);
      this.memo.set(date, v);
    }
    return v;
  }

  private computeWorkday(date: string): boolean {
    const o = this.overrides.get(date);
    if (o) return o.workday;
    const year = Number(date.slice(0, 4));
    if (year <= LAST_PUBLISHED_YEAR) return chineseDays.isWorkday(date);
    const wd = weekday(date);
    if (wd === 0 || wd === 6) return false;
    // An imported notice lists its holidays as overrides; only unknown years use the law's fixed list.
    return this.importedYears.has(year) || !this.statutoryHolidays(year).has(date);
  }

  /** 元旦 1, 春节 4 (除夕–初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 (国务院《全国年节及纪念日放假办法》). */
  statutoryHolidays(year: number): Set<string> {
    const cached = this.fallbackCache.get(year);
    if (cached) return cached;
    const lunar = (m: number, d: number) =>
      chineseDays.getSolarDateFromLunar(`${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
        .date;
    const springFestival = lunar(1, 1);
    const days = [
      `${year}-01-01`,
      addDays(springFestival, -1),
      springFestival,
      addDays(springFestival, 1),
      addDays(springFestival, 2),
      chineseDays.getSolarTermDate(year, 4, 'pure_brightness'),
      `${year}-05-01`,
      `${year}-05-02`,
      lunar(5, 5),
      lunar(8, 15),
      `${year}-10-01`,
      `${year}-10-02`,
      `${year}-10-03`,
    ];
    const set = new Set(days);
    this.fallbackCache.set(year, set);
    return set;
  }

  /** The n-th workday after date (n ≥ 1). */
  addWorkdays(date: string, n: number): string {
    let d = date;
    let left = n;
    while (left > 0) {
      d = addDays(d, 1);
      if (this.isWorkday(d)) left--;
    }
    return d;
  }

  /** Workdays in (from, to]: e.g. "N workdays overdue" = workdaysAfter(deadline, today). */
  workdaysAfter(from: string, to: string): number {
    if (to <= from) return 0;
    if (from >= ANCHOR && to <= MAX_CUMULATIVE) return this.count(to) - this.count(from);
    let n = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkday(d)) n++;
    return n;
  }

  private count(date: string): number {
    const hit = this.cumulative.get(date);
    if (hit !== undefined) return hit;
    let d = this.cumulativeEnd;
    let n = this.cumulative.get(d) ?? (this.isWorkday(d) ? 1 : 0);
    this.cumulative.set(d, n);
    while (d < date) {
      d = addDays(d, 1);
      if (this.isWorkday(d)) n++;
      this.cumulative.set(d, n);
    }
    this.cumulativeEnd = d;
    return n;
  }
}
