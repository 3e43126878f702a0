import { percent } from '../src/domain/ranking.js';
import { type TrendRow, type TrendView, trendCloseRate } from '../src/domain/trend.js';
import { type Card, card, type Element, field, hr, md, note, text } from './kit.js';

const days = (n: number | null) => (n === null ? '—' : `${Math.round(n * 10) / 10}`);

function monthLine(m: string, r: TrendRow | undefined): string {
  if (!r) return `${m}　交办 0 件`;
  return `${m}　交办 ${r.problems} 件　签收中位 ${days(r.mtta)} 工作日　销号中位 ${days(r.mttr)} 工作日　办结率 ${percent(trendCloseRate(r))}　逾期 ${r.overdue} 件`;
}

const lines = (months: string[], rows: TrendRow[]) =>
  months
    .map((m) =>
      monthLine(
        m,
        rows.find((r) => r.month === m),
      ),
    )
    .join('\n');

/** `/统计 趋势 [单位]`: month by month (by month of assignment), the whole and per category or unit. */
export function trendCard(v: TrendView): Card {
  const els: Element[] = [field('议题', v.campaign)];
  if (v.unit) els.push(field('单位', v.unit));
  els.push(md('**按月**'), text(lines(v.months, v.overall)));
  els.push({
    tag: 'chart',
    aspect_ratio: '16:9',
    color_theme: 'brand',
    chart_spec: {
      type: 'line',
      data: [
        {
          id: 'trend',
          values: v.months.map((m) => {
            const r = trendCloseRate(v.overall.find((x) => x.month === m));
            return { month: m, rate: r === null ? null : Math.round(r * 1000) / 10 };
          }),
        },
      ],
      xField: 'month',
      yField: 'rate',
      title: { visible: true, text: '办结率（%）' },
    },
  });
  for (const c of v.byCategory)
    els.push(hr(), md('**类别**'), text(`${c.category}\n${lines(v.months, c.rows)}`));
  for (const u of v.byUnit) els.push(hr(), md('**牵头单位**'), text(`${u.unit}\n${lines(v.months, u.rows)}`));
  els.push(
    note(
      `按交办月份统计近 ${v.months.length} 个月，不含已撤销问题。签收中位、销号中位为交办至签收、至销号所用工作日的中位数（按工作日历，含调休）；办结率＝已销号 ÷ 交办；逾期＝超过整改期限仍未销号或逾期后销号。统计截至 ${v.today}。`,
    ),
  );
  return card(v.unit ? `整改趋势 · ${v.unit}` : '整改趋势', els, { color: 'turquoise', enTitle: 'Trends' });
}
