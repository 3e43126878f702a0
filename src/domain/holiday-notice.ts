import { addDays, isValidDate, weekday } from './dates.js';
import { invalid } from './errors.js';

/**
 * Reads the State Council's annual notice (国务院办公厅关于YYYY年部分节假日安排的通知) as published:
 * one section per festival, "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
 * Each date or range belongs to the keyword that follows it in its sentence (放假 → holiday,
 * 上班 → make-up workday). The notice is published in early November and has changed after
 * publication, so an admin imports it and confirms what we read (see the calendar issue).
 */
export interface NoticeDay {
  date: string;
  name: string;
}

/** A parsed holiday notice kept as a draft until an admin clicks 确认导入 (or 取消). */
export interface NoticeDraft {
  id: string;
  year: number;
  holidays: NoticeDay[];
  workdays: NoticeDay[];
  warnings: string[];
  /** Days whose workday status the import changes, against the calendar in force. */
  changes: { date: string; from: boolean; to: boolean }[];
  /** Admin-set days the import leaves as they are. */
  keptOverrides: string[];
  /** When the year was imported before: the import replaces that one. */
  previous?: { at: Date; by: string | null };
}

export interface HolidayNotice {
  year: number;
  holidays: NoticeDay[];
  workdays: NoticeDay[];
  /** What looked odd (a weekday that does not match its date, a sentence we could not read). */
  warnings: string[];
}

export const NOTICE_MAX_CHARS = 20_000;
/** The longest run of days one statement may give; the longest ever published is 9. */
const MAX_RANGE_DAYS = 16;

const NUMERAL = '[一二三四五六七八九十]{1,3}';
const FESTIVAL = '(?:元旦|春节|清明节?|劳动节|端午节?|中秋节?|国庆节?)';
/** "一、元旦：" with any name; without the numeral only the festivals' own names count. */
const NUMBERED_HEADING = new RegExp(`(^|[\\s。;])${NUMERAL}[,.]\\s*([^:;。()\\d\\n]{1,15}?)\\s*:`, 'g');
const FESTIVAL_HEADING = new RegExp(`(^|[\\s。;])(${FESTIVAL}(?:\\s*[,和]\\s*${FESTIVAL})*)\\s*:`, 'g');
/** [年]M月D日[(周X)] [至 [年][M月]D日[(周X)]] */
const DATE_OR_RANGE =
  /(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:\(([^)]*)\))?(?:(?:至|到|[-—–~])(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^)]*)\))?)?/g;
const KEYWORD = /放假|休息|休假|上班|补班/g;
const WEEKDAY_CN = ['日', '一', '二', '三', '四', '五', '六'];

/** Full-width punctuation and digits as typed or published, folded to one form (chat input arrives folded already). */
function fold(s: string): string {
  return (
    s
      .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/：/g, ':')
      .replace(/[，、]/g, ',')
      .replace(/（/g, '(')
      .replace(/）/g, ')')
      .replace(/；/g, ';')
      .replace(/[　\u00a0\t]/g, ' ')
      .replace(/\r\n?/g, '\n')
      .replace(/[~～]/g, '~')
      // The signature at the end carries the publication date, which is not a holiday.
      .replace(/国务院办公厅\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日/g, '')
  );
}

function yearOfText(t: string): number | undefined {
  const patterns = [
    /关于\s*(\d{4})\s*年[^。\n]{0,12}?节假日/,
    /现将\s*(\d{4})\s*年/,
    /(\d{4})\s*年\s*(?:部分)?节假日安排/,
    new RegExp(`(\\d{4})\\s*年\\s*${FESTIVAL}`),
  ];
  for (const p of patterns) {
    const m = p.exec(t);
    if (m) return Number(m[1]);
  }
  return undefined;
}

interface Section {
  name: string;
  body: string;
}

function sectionsOf(t: string): Section[] {
  let heads = [...t.matchAll(NUMBERED_HEADING)];
  if (!heads.length) heads = [...t.matchAll(FESTIVAL_HEADING)];
  return heads.map((h, i) => {
    const start = h.index + h[0].length;
    const next = heads[i + 1];
    let body = t.slice(start, next ? next.index + next[1]!.length : undefined);
    // A section is one paragraph: a line that ends a sentence ends it (what follows the last
    // one is the closing paragraph). A hard-wrapped line inside a sentence does not.
    const end = /。[ ]*\n/.exec(body);
    if (end) body = body.slice(0, end.index + 1);
    const name = h[2]!
      .trim()
      .split(/\s*[,和]\s*/)
      .filter(Boolean)
      .join('、');
    return { name, body };
  });
}

const md = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/** "周四" or "星期四" in a date's parentheses, checked against the date itself. */
function checkWeekday(date: string, paren: string | undefined, warnings: string[]): void {
  const m = paren ? /(?:周|星期)([一二三四五六日天])/.exec(paren) : null;
  if (!m) return;
  const said = m[1] === '天' ? '日' : m[1]!;
  const actual = WEEKDAY_CN[weekday(date)]!;
  if (said !== actual)
    warnings.push(`${date.slice(0, 4)}年${md(date)}标注为周${said}，实为周${actual}，请核对年份与日期。`);
}

/** Parses one notice; `year` is used when the text does not say it and must agree when it does. */
export function parseHolidayNotice(text: string, year?: number): HolidayNotice {
  if (text.length > NOTICE_MAX_CHARS) throw invalid(`通知全文不能超过 ${NOTICE_MAX_CHARS} 个字符。`);
  const t = fold(text);
  const sections = sectionsOf(t);
  if (!sections.length) throw nothingFound();
  const stated = yearOfText(t);
  if (stated !== undefined && year !== undefined && stated !== year)
    throw invalid(`通知所写为 ${stated} 年，与指定的 ${year} 年不符，请核对。`);
  const y = stated ?? year;
  if (y === undefined)
    throw invalid(
      '无法从通知中确定年份。请粘贴含标题（关于YYYY年部分节假日安排的通知）的全文，或写作：/日历 导入 <年份> <通知全文>',
    );
  if (y < 2000 || y > 2100) throw invalid(`年份 ${y} 超出范围。`);

  const warnings: string[] = [];
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  for (const s of sections) {
    // Parentheses not attached to a date are asides ("安排职工在除夕（2月9日）休息" is advice, not a holiday).
    const body = s.body.replace(/(?<!日)\([^)]*\)/g, '');
    for (const raw of body.split(/[。;]/)) {
      const sentence = raw.replace(/\s+/g, '');
      if (!sentence) continue;
      const keys = [...sentence.matchAll(KEYWORD)];
      const dates = [...sentence.matchAll(DATE_OR_RANGE)];
      if (!dates.length) {
        if (/放假|上班/.test(sentence)) warnings.push(`${s.name}：未能读出日期：「${sentence}」`);
        continue;
      }
      for (const d of dates) {
        const end = d.index + d[0].length;
        const key = keys.find((k) => k.index >= end)?.[0];
        if (!key) {
          warnings.push(`${s.name}：「${d[0]}」后没有“放假”或“上班”，已忽略。`);
          continue;
        }
        const days = expand(d, y, s.name, warnings);
        const target = key === '上班' || key === '补班' ? workdays : holidays;
        for (const day of days) {
          const other = target === holidays ? workdays : holidays;
          if (other.has(day)) {
            warnings.push(`${day} 同时列为放假和上班，按${target === holidays ? '放假' : '上班'}处理。`);
            other.delete(day);
          }
          const prev = target.get(day);
          if (prev && prev !== s.name) warnings.push(`${day} 同时列在「${prev}」和「${s.name}」中。`);
          if (!prev) target.set(day, s.name);
        }
      }
    }
  }
  if (!holidays.size && !workdays.size) throw nothingFound();
  for (const [date] of workdays) {
    const wd = weekday(date);
    if (wd !== 0 && wd !== 6) warnings.push(`上班日 ${date}（周${WEEKDAY_CN[wd]}）本就是工作日。`);
  }
  for (const date of [...holidays.keys(), ...workdays.keys()]) {
    const dy = Number(date.slice(0, 4));
    if (dy !== y && !(dy === y - 1 && date >= `${dy}-12-01`) && !(dy === y + 1 && date <= `${dy}-01-31`))
      warnings.push(`${date} 不在 ${y} 年前后，请核对。`);
  }
  const list = (m: Map<string, string>) =>
    [...m]
      .map(([date, name]) => ({ date, name }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { year: y, holidays: list(holidays), workdays: list(workdays), warnings };
}

const nothingFound = () =>
  invalid(
    '未能从中读出任何放假或上班日期。请粘贴国务院办公厅通知全文，其中的条目形如：一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。',
  );

/** The days a date or range names; an invalid or overlong one is reported and yields nothing. */
function expand(m: RegExpMatchArray, year: number, section: string, warnings: string[]): string[] {
  const [whole, y1, m1, d1, p1, y2, m2, d2, p2] = m;
  const sy = y1 ? Number(y1) : year;
  const start = iso(sy, Number(m1), Number(d1));
  if (!isValidDate(start)) {
    warnings.push(`${section}：「${whole}」不是真实存在的日期，已忽略。`);
    return [];
  }
  checkWeekday(start, p1, warnings);
  if (!d2) return [start];
  const em = m2 ? Number(m2) : Number(m1);
  // "12月31日至1月2日" without years crosses into the next year.
  const ey = y2 ? Number(y2) : em < Number(m1) ? sy + 1 : sy;
  const end = iso(ey, em, Number(d2));
  if (!isValidDate(end) || end < start) {
    warnings.push(`${section}：「${whole}」的起止日期有误，已忽略。`);
    return [];
  }
  checkWeekday(end, p2, warnings);
  const days: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) days.push(d);
  if (days.length > MAX_RANGE_DAYS) {
    warnings.push(`${section}：「${whole}」长达 ${days.length} 天，不像放假安排，已忽略。`);
    return [];
  }
  return days;
}

const iso = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
