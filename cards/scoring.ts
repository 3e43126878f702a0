import { stackedBarSpec } from '../src/domain/chart-spec.js';
import { percent } from '../src/domain/ranking.js';
import {
  COMPONENT_LABEL,
  COMPONENTS,
  type Rate,
  type ScoresView,
  scoreText,
  type UnitScore,
  weightsText,
} from '../src/domain/scoring.js';
import { type Card, card, type Element, field, hr, md, note, text } from './kit.js';

const rateText = (r: Rate | null) => (r === null ? '—' : `${percent(r.value)}（${fraction(r)}）`);
const fraction = (r: Rate) => (r.den === 1 && !Number.isInteger(r.num) ? '测评' : `${r.num}/${r.den}`);

function unitLines(s: UnitScore): string {
  const head = `${s.rank === null ? '—' : `${s.rank}.`} ${s.unit}　${scoreText(s)} 分　（${s.problems} 件）`;
  if (s.score === null) return `${head}　暂无问题，不参与排名`;
  const parts = COMPONENTS.map((k) => `${COMPONENT_LABEL[k]} ${rateText(s.components[k])}`);
  const spread = s.leftOut.length
    ? `\n　　${s.leftOut.map((k) => COMPONENT_LABEL[k]).join('、')}无数据，权重按比例分摊：${weightsText(s.applied, '，')}`
    : '';
  return `${head}\n　　${parts.join('　')}${spread}`;
}

/** `/考核`: the ranking with each component, a chart of the scores, the weights and how it is computed. */
export function scoresCard(v: ScoresView): Card {
  const ranked = v.scores.filter((s) => s.score !== null);
  const els: Element[] = [
    field('议题', v.campaign),
    md(`**权重**：${weightsText(v.weights)}${v.custom ? '' : '（默认）'}`),
    hr(),
    text(v.scores.map(unitLines).join('\n') || '暂无单位。'),
  ];
  if (ranked.length)
    els.push({
      tag: 'chart',
      aspect_ratio: '16:9',
      color_theme: 'brand',
      chart_spec: stackedBarSpec({
        id: 'scores',
        values: ranked.map((s) => ({ unit: s.unit, score: s.score, series: '得分' })),
        x: 'unit',
        y: 'score',
        series: 'series',
      }),
    });
  els.push(
    note(
      [
        `计算方法：各项为该单位在本议题中牵头问题（不含已撤销）的比率。签收＝${v.ackWithinWorkdays} 个工作日内签收 ÷ 已签收或已过签收时限；办结＝按现行期限办结 ÷ 已办结或已过期限；逾期＝1 − 曾逾期 ÷ 问题数；退回＝1 − 退回 ÷ 已决定的销号申请；满意＝（满意＋基本满意）÷ 回访评价数，无回访时用本议题最近一次测评的（满意＋基本满意）÷ 票数。`,
        '得分＝Σ 权重 × 比率（0–100，保留一位小数）；某项无数据时不计，其权重按比例分摊到其余各项。得分相同名次相同；无问题的单位以“—”列出，不参与排名。',
        `统计截至 ${v.today}。发送 /考核 导出 获取各项明细（Excel）。`,
      ].join('\n'),
    ),
  );
  return card('考核得分', els, { color: 'indigo', enTitle: 'Unit scores' });
}
