import { formatDateCn, formatInstantCn } from '../src/domain/dates.js';
import { percent } from '../src/domain/ranking.js';
import { type Counts, type Rates, resultChartSpec, type TallyResult } from '../src/domain/tally.js';
import { ACTION, act } from './actions.js';
import {
  button,
  buttons,
  type Card,
  card,
  datePicker,
  type Element,
  form,
  hr,
  input,
  md,
  note,
  text,
} from './kit.js';

export interface ResultsView {
  evaluation: { id: number; name: string; status: string; closedAt: Date | null; publishedAt: Date | null };
  result: TallyResult;
  timezone: string;
  /** The vote's campaign (议题): named on the card, as a vote is one campaign's. */
  campaignName?: string;
}

export function countsLine(c: Counts, r: Rates): string {
  return `满意 ${c.satisfied}（${percent(r.satisfied)}）　基本满意 ${c.basic}（${percent(r.basic)}）　不满意 ${c.dissatisfied}（${percent(r.dissatisfied)}）`;
}

/** The results of a closed vote: ranking, a stacked bar per unit, and the breakdown by voter category. */
export function resultsCard(v: ResultsView): Card {
  const r = v.result;
  const e = v.evaluation;
  const els: Element[] = [
    md(
      `${v.campaignName ? `**议题**：${v.campaignName}\n` : ''}**投票人数**：${r.voters} 人　**评议对象**：${r.units.length} 个${e.closedAt ? `　**结束时间**：${formatInstantCn(e.closedAt, v.timezone)}` : ''}`,
    ),
    { tag: 'chart', aspect_ratio: '16:9', color_theme: 'brand', chart_spec: resultChartSpec(r) },
    md('**总体排名**（按满意率，满意率相同时不满意票少者居前）'),
    text(r.units.map((u) => `${u.rank}. ${u.name}　${countsLine(u.counts, u.rates)}`).join('\n') || '无'),
  ];
  if (r.groups.length) {
    els.push(hr(), md(`**按投票人类别**（${r.groups.map((g) => `${g.label} ${g.voters} 人`).join('，')}）`));
    const lines: string[] = [];
    for (const u of r.units) {
      lines.push(`${u.name}`);
      for (const g of u.byGroup) lines.push(`　${g.label}：${countsLine(g.counts, g.rates)}`);
    }
    els.push(text(lines.join('\n')));
  }
  const merged = r.groups.filter((g) => g.categories.length > 1);
  for (const g of merged) els.push(note(`「${g.label}」含：${g.categories.join('、')}。`));
  if (r.mergeNote) els.push(note(r.mergeNote));
  const dissatisfied = r.units.filter((u) => u.counts.dissatisfied > 0);
  if (dissatisfied.length)
    els.push(
      note(
        `有不满意票的单位：${dissatisfied.map((u) => `${u.name}（${u.counts.dissatisfied} 票）`).join('、')}。可发送 /回头看 开始 对其已销号问题开展回头看。`,
      ),
    );
  els.push(
    note(
      e.status === 'published' && e.publishedAt
        ? `结果已于 ${formatInstantCn(e.publishedAt, v.timezone)} 公布。`
        : '结果尚未公布；发送 /测评 公布 后在公开页面展示。',
    ),
  );
  return card(`满意度测评结果 · ${e.name}`, els, { color: 'indigo', enTitle: 'Satisfaction vote results' });
}

// ---------------------------------------------------------------- 回头看

export interface ReinspectionItemView {
  id: number;
  code: string;
  title: string;
  status: 'pending' | 'confirmed' | 'reopened';
  decidedByName: string | null;
  newDeadline: string | null;
}

export interface ReinspectionView {
  /** The vote's campaign (议题). */
  campaignName?: string;
  evaluationName: string;
  unitName: string;
  groupName: string | null;
  dissatisfied: number;
  items: ReinspectionItemView[];
  /** The item whose 重新整改 form is open. */
  formFor?: number;
}

const PENDING_SHOWN = 15;

/**
 * One card per unit for its supervision group: the unit's closed problems to re-check, each with
 * 维持销号 / 重新整改. Buttons carry the item id only; who may decide is checked on the server.
 */
export function reinspectionCard(v: ReinspectionView): Card {
  const decided = v.items.filter((i) => i.status !== 'pending');
  const pending = v.items.filter((i) => i.status === 'pending');
  const els: Element[] = [
    text(
      `${v.unitName}在「${v.evaluationName}」中获不满意票 ${v.dissatisfied} 票，对其已销号问题开展回头看${v.groupName ? `，由${v.groupName}核查` : ''}。请逐项核实整改是否到位：维持销号，或退回重新整改。`,
    ),
    md(
      `${v.campaignName ? `**议题**：${v.campaignName}　` : ''}**进度**：已核查 ${decided.length}/${v.items.length}`,
    ),
  ];
  for (const i of pending.slice(0, PENDING_SHOWN)) {
    els.push(hr(), text(`${i.code} ${i.title}`));
    if (v.formFor === i.id) {
      els.push(
        form(
          `reopen_form_${i.id}`,
          [
            datePicker('new_deadline', '新的整改期限', { required: true }),
            input('reason', '重新整改理由', { required: true, multiline: true, maxLength: 2000 }),
          ],
          act(ACTION.reinspectionReopen, { iid: i.id }),
        ),
      );
    } else {
      els.push(
        buttons([
          button('维持销号', act(ACTION.reinspectionConfirm, { iid: i.id }), 'primary', {
            confirm: `确认 ${i.code} 整改到位、维持销号？`,
          }),
          button('重新整改', act(ACTION.reinspectionForm, { iid: i.id }), 'danger'),
          button('查看', act(ACTION.problemOpen, { code: i.code })),
        ]),
      );
    }
  }
  if (pending.length > PENDING_SHOWN)
    els.push(note(`另有 ${pending.length - PENDING_SHOWN} 项待核查，处理上述问题后将依次显示。`));
  if (decided.length) {
    els.push(
      hr(),
      md('**已核查**'),
      text(
        decided
          .map(
            (i) =>
              `${i.code} ${i.title}：${i.status === 'confirmed' ? '维持销号' : `重新整改${i.newDeadline ? `（期限 ${formatDateCn(i.newDeadline)}）` : ''}`}${i.decidedByName ? `（${i.decidedByName}）` : ''}`,
          )
          .join('\n'),
      ),
    );
  }
  if (!pending.length) els.push(note('本单位回头看已全部核查完毕。'));
  return card(`回头看 · ${v.unitName}`, els, {
    color: pending.length ? 'orange' : 'green',
    enTitle: 'Re-inspection',
  });
}
