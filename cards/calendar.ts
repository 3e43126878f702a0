import { addDays, formatInstantCn, weekday } from '../src/domain/dates.js';
import type { NoticeDay, NoticeDraft } from '../src/domain/holiday-notice.js';
import { ACTION, act } from './actions.js';
import { button, buttons, type Card, card, field, hr, md, note, text } from './kit.js';

const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六'];
/** 10月1日（周四）, with the year when it is not the notice's. */
export function dayLabel(date: string, year?: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${year === undefined || y !== year ? `${y}年` : ''}${m}月${d}日（周${WEEKDAY[weekday(date)]}）`;
}

/** Consecutive dates as runs: "10月1日（周四）至10月7日（周三），共7天". */
export function runsOf(dates: string[], year: number): string[] {
  const sorted = [...dates].sort();
  const runs: string[][] = [];
  for (const d of sorted) {
    const last = runs.at(-1);
    if (last && addDays(last.at(-1)!, 1) === d) last.push(d);
    else runs.push([d]);
  }
  return runs.map((r) =>
    r.length === 1
      ? dayLabel(r[0]!, year)
      : `${dayLabel(r[0]!, year)}至${dayLabel(r.at(-1)!, year)}，共${r.length}天`,
  );
}

export interface FestivalLines {
  name: string;
  holidays: string[];
  workdays: string[];
}

/** Holidays and make-up workdays grouped by the festival heading they came from, in calendar order. */
export function byFestival(holidays: NoticeDay[], workdays: NoticeDay[]): FestivalLines[] {
  const groups = new Map<string, FestivalLines>();
  const first = [...holidays, ...workdays].sort((a, b) => (a.date < b.date ? -1 : 1));
  for (const d of first)
    if (!groups.has(d.name)) groups.set(d.name, { name: d.name, holidays: [], workdays: [] });
  for (const d of holidays) groups.get(d.name)!.holidays.push(d.date);
  for (const d of workdays) groups.get(d.name)!.workdays.push(d.date);
  return [...groups.values()].sort((a, b) =>
    (a.holidays[0] ?? a.workdays[0]!) < (b.holidays[0] ?? b.workdays[0]!) ? -1 : 1,
  );
}

function festivalElements(year: number, holidays: NoticeDay[], workdays: NoticeDay[]) {
  return byFestival(holidays, workdays).map((g) => {
    const parts = [];
    if (g.holidays.length) parts.push(`放假：${runsOf(g.holidays, year).join('；')}`);
    if (g.workdays.length) parts.push(`上班：${g.workdays.map((d) => dayLabel(d, year)).join('、')}`);
    return field(g.name, parts.join('\n'));
  });
}

const status = (workday: boolean) => (workday ? '工作日' : '休息日');
/** How many changed days the card lists before summarising the rest (the card stays well under 30 KB). */
const CHANGES_SHOWN = 40;

/** The parsed notice shown back to the admin, with 确认导入 / 取消; the handler re-checks the admin. */
export function noticeDraftCard(v: NoticeDraft, tz: string, previousBy?: string): Card {
  const els = [
    note(
      `以下为从通知中读出的 ${v.year} 年放假与调休上班安排。请与国务院办公厅通知逐条核对，无误后点击「确认导入」。`,
    ),
    ...festivalElements(v.year, v.holidays, v.workdays),
    hr(),
  ];
  if (v.warnings.length)
    els.push(md('**请注意**'), text(v.warnings.map((w) => `· ${w}`).join('\n'), { color: 'orange' }));
  if (!v.changes.length) els.push(note('与当前日历相比：没有变化（与内置的国务院安排一致）。'));
  else {
    const shown = v.changes
      .slice(0, CHANGES_SHOWN)
      .map((c) => `${dayLabel(c.date, v.year)}：${status(c.from)} → ${status(c.to)}`);
    if (v.changes.length > CHANGES_SHOWN) shown.push(`……另有 ${v.changes.length - CHANGES_SHOWN} 天`);
    els.push(md(`**与当前日历相比，${v.changes.length} 天有变化**`), text(shown.join('\n')));
  }
  if (v.previous)
    els.push(
      note(
        `${v.year} 年已于 ${formatInstantCn(v.previous.at, tz)} 由${previousBy ?? '管理员'}导入过通知，确认后将替换原导入的安排。`,
      ),
    );
  if (v.keptOverrides.length)
    els.push(
      note(
        `以下日期有管理员的单日设置，导入后仍以单日设置为准：${v.keptOverrides.map((d) => dayLabel(d, v.year)).join('、')}`,
      ),
    );
  els.push(
    buttons([
      button('确认导入', act(ACTION.noticeConfirm, { id: v.id }), 'primary_filled', {
        confirm: `确认按此导入 ${v.year} 年节假日安排？`,
      }),
      button('取消', act(ACTION.noticeCancel, { id: v.id })),
    ]),
  );
  return card(`导入 ${v.year} 年节假日安排（待确认）`, els, {
    color: 'orange',
    enTitle: `Import the ${v.year} holiday schedule`,
  });
}

/** The same card after 确认导入: what is now in force, no buttons. */
export function noticeImportedCard(
  v: {
    year: number;
    holidays: NoticeDay[];
    workdays: NoticeDay[];
    keptOverrides: string[];
    replaced: boolean;
  },
  by: string,
): Card {
  const els = [
    note(
      `${by}已确认导入${v.replaced ? '（替换了原导入的安排）' : ''}。${v.year} 年的期限、到期提醒和逾期工作日数按以下安排计算。`,
    ),
    ...festivalElements(v.year, v.holidays, v.workdays),
  ];
  if (v.keptOverrides.length)
    els.push(note(`保留的单日设置：${v.keptOverrides.map((d) => dayLabel(d, v.year)).join('、')}`));
  return card(`已导入 ${v.year} 年节假日安排`, els, {
    color: 'green',
    enTitle: `${v.year} holiday schedule imported`,
  });
}

export function noticeCancelledCard(year: number, by: string): Card {
  return card(`导入 ${year} 年节假日安排（已取消）`, [note(`${by}已取消本次导入，日历未作改动。`)], {
    color: 'grey',
  });
}
