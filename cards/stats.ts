import {
  closeRate,
  type Figures,
  percent,
  type Ranked,
  type Tallies,
  type UnitTally,
} from '../src/domain/ranking.js';
import {
  firstCloseSatisfactionRate,
  type SatisfactionCounts,
  satisfactionRate,
} from '../src/domain/satisfaction.js';
import { type Card, card, type Element, hr, md, note, text } from './kit.js';

export interface StatsView extends Omit<Tallies, 'units'> {
  /** Units with problems, in ranking order. */
  byUnit: UnitTally[];
  /** Units without any problem (led or cooperating). */
  idleUnits: number;
  today: string;
  /** The campaign counted. */
  campaignName: string;
  /** 回访 counts (src/services/revisits/rates.ts), in total and per lead unit. */
  satisfaction?: { total: SatisfactionCounts; byUnit: Map<number, SatisfactionCounts> };
}

/** 满意率 and 首次办结满意率 of one slice; "—" without ratings. */
function satisfactionLine(c: SatisfactionCounts): string {
  return `满意率 ${percent(satisfactionRate(c))}　首次办结满意率 ${percent(firstCloseSatisfactionRate(c))}`;
}

const rate = (f: { closed: number; count: number }) => percent(closeRate(f.closed, f.count));

function figuresLine(f: Figures): string {
  return `${f.count} 件　未销号 ${f.open}　逾期 ${f.overdue}　已销号 ${f.closed}　办结率 ${rate(f)}`;
}

function unitSatisfaction(v: StatsView, unitId: number): string {
  const c = v.satisfaction?.byUnit.get(unitId);
  return c?.rated ? `　${satisfactionLine(c)}` : '';
}

/** `/统计`: figures per state, category and unit. Unit names are user text: plain_text only. */
export function statsCard(v: StatsView): Card {
  const t = v.totals;
  const els: Element[] = [
    text(`议题：${v.campaignName}`),
    md(`**问题总数**：${t.count + t.withdrawn} 件（已撤销 ${t.withdrawn} 件）`),
    md(`**未销号**：${t.open} 件　**逾期**：${t.overdue} 件　**已销号**：${t.closed} 件`),
    md(`**办结率**：${rate(t)}（已销号 ÷ 未撤销问题）`),
    ...(v.satisfaction
      ? [md(`**回访**：已评价 ${v.satisfaction.total.rated} 件　${satisfactionLine(v.satisfaction.total)}`)]
      : []),
    hr(),
    md('**按状态**'),
    text(v.byState.map((s) => `${s.label}：${s.count} 件`).join('\n') || '暂无'),
    hr(),
    md('**按类别**'),
    text(v.byCategory.map((c) => `${c.name}：${figuresLine(c)}`).join('\n') || '暂无'),
    hr(),
    md('**按牵头单位**'),
    text(
      v.byUnit
        .map(
          (u) =>
            `${u.name}：${figuresLine({ count: u.led, open: u.open, overdue: u.overdue, closed: u.closed })}${u.co ? `　配合 ${u.co} 件` : ''}${unitSatisfaction(v, u.unitId)}`,
        )
        .join('\n') || '暂无',
    ),
  ];
  if (v.idleUnits) els.push(note(`另有 ${v.idleUnits} 个单位暂无问题。`));
  els.push(
    note(
      `统计截至 ${v.today}。单位、类别的件数不含已撤销问题；逾期指超过整改期限仍未销号。满意率 =（满意 + 基本满意）÷ 已评价，每件按最近一次评价；首次办结满意率只计首次办结后的评价。发送 /排名 查看单位排名。`,
    ),
  );
  return card('督办统计', els, { color: 'turquoise', enTitle: 'Statistics' });
}

/** `/排名`: units by problems led; equal counts share a rank (1, 1, 3), by name inside a tie. */
export function rankCard(
  ranked: Ranked<UnitTally>[],
  o: { today: string; idleUnits: number; campaignName: string },
): Card {
  const lines = ranked.map(
    ({ rank, item: u }) =>
      `${rank}. ${u.name}　牵头 ${u.led} 件${u.co ? `（另配合 ${u.co} 件）` : ''}　办结率 ${percent(closeRate(u.closed, u.led))}　逾期 ${u.overdue} 件`,
  );
  const els: Element[] = [
    text(`议题：${o.campaignName}`),
    md('**承办单位问题数排名**（按牵头问题数，不含已撤销）'),
    text(lines.join('\n') || '暂无问题。'),
  ];
  if (o.idleUnits) els.push(note(`另有 ${o.idleUnits} 个单位暂无问题，未列入排名。`));
  els.push(
    note(
      `统计截至 ${o.today}。件数相同的单位名次相同，同名次内按单位名称排序；配合问题单独计数，不计入名次。`,
    ),
  );
  return card('单位排名', els, { color: 'indigo', enTitle: 'Unit ranking' });
}
