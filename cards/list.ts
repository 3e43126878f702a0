import { formatDateCn } from '../src/domain/dates.js';
import { ACTION, act } from './actions.js';
import { button, buttons, type Card, card, type Element, md, note, text } from './kit.js';

/** One row of `/清单`: code, title, lead unit, state, deadline, overdue workdays. */
export interface ListRow {
  code: string;
  title: string;
  leadUnitName: string;
  stateLabel: string;
  deadline: string;
  /** Workdays past the deadline; 0 when not overdue, null when closed or withdrawn. */
  overdueWorkdays: number | null;
  /** Overdue by date (from the day after the deadline), even when no workday has passed yet. */
  overdue: boolean;
  /** Its campaign's name: the card groups rows by it when the list spans campaigns. */
  campaignName: string;
}

/** What the 上一页 / 下一页 buttons carry: the filters, never any authority. */
export interface ListFilterValue {
  c?: number;
  u?: number;
  s?: string;
}

export interface ListPageView {
  rows: ListRow[];
  total: number;
  page: number;
  pages: number;
  /** The filters in words, e.g. ["市人社局", "逾期"]. */
  filterLabels: string[];
  /** The viewer sees only their units' problems, or their groups' (said on the card). */
  scopeNote?: string;
  filter: ListFilterValue;
  /** The one campaign listed; absent when a contact's list spans their open campaigns. */
  campaignName?: string;
}

function rowText(r: ListRow): string {
  const late = r.overdue ? `　逾期 ${r.overdueWorkdays ?? 0} 个工作日` : '';
  return `${r.code}　${r.title}\n牵头：${r.leadUnitName}　${r.stateLabel}　期限：${formatDateCn(r.deadline)}${late}`;
}

/** The problem list, one page; titles and unit names are user text, so plain_text only. */
export function listCard(v: ListPageView): Card {
  const els: Element[] = [];
  const filters = v.filterLabels.length ? `（${v.filterLabels.join('，')}）` : '';
  els.push(md(`共 **${v.total}** 件${v.pages > 1 ? `，第 ${v.page}/${v.pages} 页` : ''}`));
  if (filters) els.push(text(`筛选：${v.filterLabels.join('，')}`));
  if (v.campaignName) els.push(text(`议题：${v.campaignName}`));
  if (!v.rows.length) els.push(text(v.total ? '本页没有内容。' : '没有符合条件的问题。'));
  let group: string | undefined;
  for (const r of v.rows) {
    if (!v.campaignName && r.campaignName !== group) {
      group = r.campaignName;
      els.push(text(`【${group}】`));
    }
    els.push(text(rowText(r)));
  }
  const nav: Element[] = [];
  if (v.page > 1) nav.push(button('上一页', act(ACTION.listPage, { ...v.filter, page: v.page - 1 })));
  if (v.page < v.pages)
    nav.push(button('下一页', act(ACTION.listPage, { ...v.filter, page: v.page + 1 }), 'primary'));
  if (nav.length) els.push(buttons(nav));
  if (v.scopeNote) els.push(note(v.scopeNote));
  els.push(note('发送 /查看 <编号> 查看详情和可用操作；翻页也可发送 /清单 … 第N页。'));
  return card(`问题清单${filters}`.slice(0, 100), els, { color: 'blue', enTitle: 'Problem list' });
}
