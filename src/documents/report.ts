import { AlignmentType, ImageRun, Paragraph } from 'docx';
import { formatDateCn } from '../domain/dates.js';
import { blank, chineseDate, heading1, masthead, pack, para, signature, title } from './gongwen.js';
import { table } from './table.js';
import type { ReportView } from './views.js';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const none = (what: string) => para(`本期无${what}。`);
/** Problems with a reason (退回理由, 回访意见): code, title, unit, reason; or a line saying there are none. */
const withReasons = (what: string, reason: string, rows: string[][]) =>
  rows.length
    ? table(['问题编号', '问题名称', '牵头单位', reason], rows, [19, 29, 22, 30], [1, 3])
    : none(what);

function chartBlock(chart: Uint8Array | null): Paragraph[] {
  if (!chart) return [para('（本运行环境不生成图表，办结率见上表。）')];
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new ImageRun({ type: 'png', data: chart, transformation: { width: 560, height: 336 } })],
    }),
    para('图1 各单位办结率', { align: 'center', indent: false }),
  ];
}

/** 通报: figures, the ranking by 考核 score, overdue, returned and 不满意 items, 回头看, the chart. */
export async function reportDocument(v: ReportView): Promise<Buffer> {
  const f = v.figures;
  const scope = v.campaign ? `“${v.campaign}”` : '督办工作';
  const ranking = v.ranking.map((u) => [
    u.rank === null ? '—' : String(u.rank),
    u.unit,
    String(u.problems),
    pct(u.closedRate),
    u.score === null ? '—' : u.score.toFixed(1),
  ]);
  const body = [
    ...masthead(v.orgName, v.docNumber),
    ...title(`关于${v.period}督办工作情况的通报`),
    para('各承办单位：', { indent: false }),
    para(
      `现将${v.period}${scope}问题整改情况通报如下。截至${formatDateCn(v.date)}，共交办问题 ${f.total} 个，已办结销号 ${f.closed} 个，办结率 ${pct(f.closedRate)}；未办结 ${f.open} 个，其中逾期 ${f.overdue} 个。`,
    ),
    heading1('一、各单位考核得分'),
    table(['名次', '单位', '问题数', '办结率', '得分'], ranking, [10, 42, 14, 16, 18], [1]),
    para('注：无问题的单位不参与排名，以“—”表示。', { indent: false }),
    ...chartBlock(v.chart),
    heading1('二、逾期未办结问题'),
    v.overdue.length
      ? table(
          ['问题编号', '问题名称', '牵头单位', '整改期限', '逾期工作日'],
          v.overdue.map((o) => [
            o.code,
            o.title,
            o.unit,
            formatDateCn(o.deadline),
            String(o.overdueWorkdays),
          ]),
          [19, 27, 20, 22, 12],
          [1],
        )
      : none('逾期问题'),
    heading1('三、退回整改和群众不满意问题'),
    withReasons(
      '退回整改问题',
      '退回理由',
      v.returned.map((r) => [r.code, r.title, r.unit, r.reason]),
    ),
    blank(),
    withReasons(
      '回访不满意问题',
      '回访意见',
      v.unsatisfied.map((r) => [r.code, r.title, r.unit, r.comment]),
    ),
    heading1('四、“回头看”进展'),
    v.reinspection
      ? para(
          `已销号问题 ${v.reinspection.total} 个，已开展“回头看” ${v.reinspection.checked} 个，其中确认整改到位 ${v.reinspection.confirmed} 个，问题反弹重新整改 ${v.reinspection.reopened} 个。`,
        )
      : none('“回头看”安排'),
    heading1('五、下一步要求'),
    para('请各单位对照本通报，逾期问题限期整改到位，退回和不满意问题重新研究整改措施，按时反馈进展。'),
    ...signature(v.orgName, chineseDate(v.date)),
  ];
  return pack({ title: `通报 ${v.period}`, orgName: v.orgName, body });
}
