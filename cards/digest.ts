import { percentLineSpec } from '../src/domain/chart-spec.js';
import { formatDateCn } from '../src/domain/dates.js';
import { type DigestFigures, unitChartSpec } from '../src/domain/digest.js';
import { type ProblemState, STATE_LABEL, STATES } from '../src/domain/problem.js';
import { percent } from '../src/domain/ranking.js';
import { ACTION, act } from './actions.js';
import { button, buttons, type Card, card, type Element, fitCard, hr, md, note, text } from './kit.js';

/** One campaign's part of the digest. */
export interface DigestSection {
  campaign: string;
  figures: DigestFigures;
  evaluated?: Set<string>;
  /** 回头看 in progress: items decided / all items (shown until every item is decided). */
  reinspection?: { decided: number; total: number };
  /** 办结率 by month of assignment, the last months (the campaign's trend); absent without problems. */
  trend?: { month: string; rate: number | null }[];
  /** 回访: 满意率 and 首次办结满意率 (src/domain/satisfaction.ts), once anyone rated. */
  satisfaction?: { rate: number | null; firstRate: number | null; rated: number };
}

export interface DigestCardInput {
  scope: string;
  weekStart: string;
  weekEnd: string;
  /** One per open campaign (the scheduled digest) or the one asked for (/周报). */
  sections: DigestSection[];
  headHash: string;
  unconfirmedYear?: number;
  publicUrl?: string;
}

function sectionElements(s: DigestSection, unitRows: number, o: { publicUrl?: string; many: boolean }) {
  const f = s.figures;
  const els: Element[] = [
    ...(o.many ? [hr()] : []),
    md(`**议题：${s.campaign}**`),
    md(
      [
        `**未销号**：${f.notClosed} 件　**已销号**：${f.byState.closed} 件　**办结率**：${percent(f.closedRate)}`,
        `**本周新增**：${f.newThisWeek} 件　**本周销号**：${f.closedThisWeek} 件　**逾期**：${f.overdue} 件`,
        `**按状态**：${STATES.map((st) => `${STATE_LABEL[st]} ${f.byState[st]}`).join('　')}`,
      ].join('\n'),
    ),
    ...(s.satisfaction?.rated
      ? [
          md(
            `**回访满意率**：${percent(s.satisfaction.rate)}　**首次办结满意率**：${percent(s.satisfaction.firstRate)}（已评价 ${s.satisfaction.rated} 件）`,
          ),
        ]
      : []),
    ...(s.reinspection && s.reinspection.decided < s.reinspection.total
      ? [md(`**回头看**：已核查 ${s.reinspection.decided}/${s.reinspection.total}`)]
      : []),
  ];
  if (!f.units.length) return [...els, text('本议题暂无问题。')];
  els.push({ tag: 'chart', aspect_ratio: '16:9', color_theme: 'brand', chart_spec: unitChartSpec(f.units) });
  if (s.trend?.some((t) => t.rate !== null))
    els.push(md('**办结率趋势**（按交办月份，%）'), {
      tag: 'chart',
      aspect_ratio: '16:9',
      color_theme: 'brand',
      chart_spec: percentLineSpec({
        id: 'trend',
        name: '办结率',
        points: s.trend.map((t) => ({ x: `${Number(t.month.slice(5))}月`, rate: t.rate })),
      }),
    });
  els.push(md('**各单位情况**（问题数 / 未销号 / 逾期 / 办结率 / 平均签收用时）'));
  const shown = f.units.slice(0, unitRows);
  els.push(
    text(
      shown
        .map(
          (u) =>
            `${s.evaluated?.has(u.unit) ? '★' : ''}${u.unit}：${u.total} / ${u.open} / ${u.overdue} / ${percent(u.closedRate)} / ${u.avgAckWorkdays === null ? '—' : `${u.avgAckWorkdays.toFixed(1)} 个工作日`}`,
        )
        .join('\n') || '暂无',
    ),
  );
  if (f.units.length > shown.length)
    els.push(
      note(
        `及其他 ${f.units.length - shown.length} 项，完整数据请发送 /导出 议题:${s.campaign}${o.publicUrl ? ` 或访问 ${o.publicUrl}` : ''}。`,
      ),
    );
  if (s.evaluated?.size) els.push(note('★ 为本议题评议对象。'));
  els.push(md('**逾期最久的问题**'));
  els.push(
    text(
      f.mostOverdue
        .map((p, i) => `${i + 1}. ${p.code} ${p.title}（${p.unit}，逾期 ${p.workdays} 个工作日）`)
        .join('\n') || '无逾期问题',
    ),
  );
  if (f.mostOverdue.length)
    els.push(
      buttons(
        f.mostOverdue
          .slice(0, 5)
          .map((p) => button(`查看 ${p.code}`, act(ACTION.problemOpen, { code: p.code }))),
      ),
    );
  return els;
}

/**
 * The weekly digest: per campaign, figures, a chart Lark renders itself, and lists truncated to
 * stay under 30 KB. `unitRows` caps each section's unit list.
 */
export function digestCard(
  d: DigestCardInput,
  unitRows = Math.max(0, ...d.sections.map((s) => s.figures.units.length)),
): Card {
  const many = d.sections.length > 1;
  const els: Element[] = [text(`范围：${d.scope}`)];
  if (!d.sections.length) els.push(text('暂无进行中的议题。'));
  for (const s of d.sections) els.push(...sectionElements(s, unitRows, { publicUrl: d.publicUrl, many }));
  if (d.unconfirmedYear)
    els.push(note(`${d.unconfirmedYear}年节假日安排尚未发布，工作日按法定节假日推算，未经确认。`));
  els.push(note(`审计链当前哈希：${d.headHash}`));
  return card(`督办周报 · ${formatDateCn(d.weekStart)}—${formatDateCn(d.weekEnd)}`, els, {
    color: 'turquoise',
    enTitle: 'duban weekly digest',
  });
}

/** The digest card, shortened until it fits Lark's 30 KB. */
export function boundedDigestCard(d: DigestCardInput): Card {
  // Unit rows per section: up to 60, then 70% of the last, down to none.
  const most = Math.max(0, ...d.sections.map((s) => s.figures.units.length));
  const rows: [number, ...number[]] = [Math.min(most, 60)];
  while (rows.at(-1)! > 0) rows.push(Math.floor(rows.at(-1)! * 0.7));
  return fitCard(rows, (n) => digestCard(d, n), {
    // The charts are the last thing to shrink: fewer units in them.
    otherwise: () =>
      digestCard(
        {
          ...d,
          sections: d.sections.map((s) => ({
            ...s,
            figures: { ...s.figures, units: s.figures.units.slice(0, 5) },
          })),
        },
        0,
      ),
  });
}

export interface UnitListItem {
  /** Its campaign: a unit's list spans the open campaigns, grouped by campaign. */
  campaign: string;
  problemId: number;
  code: string;
  title: string;
  state: ProblemState;
  deadline: string;
  overdueWorkdays: number;
}

/** Each unit's contacts get their own weekly list of open items. */
export function unitWeeklyCard(unit: string, weekStart: string, items: UnitListItem[]): Card {
  const shown = items.slice(0, 30);
  const els: Element[] = [text(`${unit}目前有 ${items.length} 件问题尚未销号，请按期办理。`)];
  const campaigns = [...new Set(shown.map((i) => i.campaign))];
  for (const c of campaigns) {
    if (campaigns.length > 1) els.push(md(`**${c}**`));
    els.push(
      text(
        shown
          .filter((i) => i.campaign === c)
          .map(
            (i) =>
              `${i.code} ${i.title}｜${STATE_LABEL[i.state] ?? i.state}｜期限 ${formatDateCn(i.deadline)}${i.overdueWorkdays > 0 ? `｜逾期 ${i.overdueWorkdays} 个工作日` : ''}`,
          )
          .join('\n'),
      ),
    );
  }
  if (!shown.length) els.push(text('无'));
  if (items.length > shown.length)
    els.push(note(`及其他 ${items.length - shown.length} 项，请发送 /清单 查看。`));
  const first = shown.slice(0, 8);
  if (first.length)
    els.push(
      buttons(first.map((i) => button(`办理 ${i.code}`, act(ACTION.problemOpen, { pid: i.problemId })))),
    );
  return card(`本周待办 · ${unit} · ${formatDateCn(weekStart)}起`, els, {
    color: 'orange',
    enTitle: 'Weekly to-do',
  });
}
