import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { type Conn, rowsOf } from '../../db.js';
import { RATING_LABEL, type Rating } from '../../domain/satisfaction.js';
import {
  COMPONENT_LABEL,
  COMPONENTS,
  judge,
  rankUnits,
  type ScoringOptions,
  type UnitFacts,
  type UnitScore,
  type Weights,
} from '../../domain/scoring.js';
import { mustStaff } from '../auth.js';
import { type CampaignRow, campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { campaignProblems, type ProblemSet } from '../documents/problem-set.js';
import { setUpSheet, toBytes } from '../spreadsheet/style.js';
import { campaignFacts } from './scores.js';
import { scoringOptions, weightsOf } from './weights.js';

const yes = (b: boolean | null) => (b === null ? '否' : '是');
const ok = (b: boolean | null) => (b === null ? '' : b ? '是' : '否');

/**
 * `/考核 导出`: a workbook with the scores, the weights and one sheet per component listing the
 * raw facts behind each number (one row per problem, closure request or 回访), so a unit can
 * recompute its own score: rate = rows counted and met ÷ rows counted, weights spread pro rata.
 */
export async function exportScores(
  ctx: ServiceCtx,
  named?: string,
): Promise<{ fileName: string; bytes: Buffer; campaign: CampaignRow }> {
  mustStaff(ctx.actor, '导出考核明细');
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, named);
  const { weights } = weightsOf(campaign);
  const o = scoringOptions(ctx);
  const facts = await campaignFacts(ctx, campaign);
  const scores = rankUnits(facts, weights, o);
  const wb = new ExcelJS.Workbook();
  wb.creator = '督办助手';
  wb.created = ctx.now;
  summarySheet(wb, scores, weights, campaign.name, o);
  problemSheets(wb, facts, o);
  await requestSheet(wb, ctx.tx, campaignProblems(campaign.id));
  await revisitSheet(wb, ctx.tx, campaignProblems(campaign.id));
  const fileName = `考核明细-${campaign.name}-${o.today.replaceAll('-', '')}.xlsx`.replace(
    /[\\/:*?"<>|]/g,
    '_',
  );
  return { fileName, bytes: await toBytes(wb), campaign };
}

function summarySheet(
  wb: ExcelJS.Workbook,
  scores: UnitScore[],
  w: Weights,
  name: string,
  o: ScoringOptions,
) {
  const ws = wb.addWorksheet('得分');
  setUpSheet(ws, [
    { key: 'rank', header: '名次', width: 6 },
    { key: 'unit', header: '单位', width: 26 },
    { key: 'problems', header: '问题数', width: 8 },
    ...COMPONENTS.flatMap((k) => [
      { key: `${k}_num`, header: `${COMPONENT_LABEL[k]}分子`, width: 9 },
      { key: `${k}_den`, header: `${COMPONENT_LABEL[k]}分母`, width: 9 },
      { key: `${k}_w`, header: `${COMPONENT_LABEL[k]}实际权重`, width: 11, numFmt: '0.0' },
    ]),
    { key: 'score', header: '得分', width: 8, numFmt: '0.0' },
  ]);
  for (const s of scores) {
    const row: Record<string, unknown> = { rank: s.rank ?? '—', unit: s.unit, problems: s.problems };
    for (const k of COMPONENTS) {
      row[`${k}_num`] = s.components[k]?.num ?? '—';
      row[`${k}_den`] = s.components[k]?.den ?? '—';
      row[`${k}_w`] = s.applied[k] ?? 0;
    }
    row.score = s.score ?? '—';
    ws.addRow(row);
  }
  const about = wb.addWorksheet('权重与方法');
  setUpSheet(about, [
    { key: 'item', header: '项目', width: 14 },
    { key: 'value', header: '内容', width: 90, wrap: true },
  ]);
  about.addRow({ item: '议题', value: name });
  about.addRow({ item: '统计截至', value: o.today });
  for (const k of COMPONENTS) about.addRow({ item: `${COMPONENT_LABEL[k]}权重`, value: w[k] });
  about.addRow({
    item: '计算方法',
    value:
      '各项比率＝该项明细表中“计入”为“是”且“达标”为“是”的行数 ÷ “计入”为“是”的行数（逾期、退回两项为 1 − 不达标 ÷ 计入）。无计入行的项目不计，其权重按比例分摊到其余各项；得分＝Σ 实际权重 × 比率，保留一位小数。无回访评价的单位，满意一项取本议题最近一次满意度测评的结果（（满意＋基本满意）÷ 票数），见“得分”表的满意分子（分母记为 1）。',
  });
}

function problemSheets(wb: ExcelJS.Workbook, facts: UnitFacts[], o: ScoringOptions) {
  const ack = wb.addWorksheet('签收');
  setUpSheet(
    ack,
    cols(
      ['unit', '单位'],
      ['code', '问题编号'],
      ['assigned', '交办日期'],
      ['acked', '签收日期'],
      ['days', '签收用时（工作日）'],
      ['counted', '计入'],
      ['ok', '达标'],
    ),
  );
  const close = wb.addWorksheet('办结');
  setUpSheet(
    close,
    cols(
      ['unit', '单位'],
      ['code', '问题编号'],
      ['deadline', '现行整改期限'],
      ['closed', '销号日期'],
      ['counted', '计入'],
      ['ok', '达标'],
    ),
  );
  const late = wb.addWorksheet('逾期');
  setUpSheet(
    late,
    cols(
      ['unit', '单位'],
      ['code', '问题编号'],
      ['deadline', '现行整改期限'],
      ['closed', '销号日期'],
      ['earlier', '原期限内曾逾期'],
      ['counted', '计入'],
      ['ok', '达标'],
    ),
  );
  for (const f of facts)
    for (const p of f.problems) {
      if (p.withdrawn) continue;
      const j = judge(p, o);
      const base = { unit: f.unit, code: p.code };
      ack.addRow({
        ...base,
        assigned: p.assignedOn,
        acked: p.acknowledgedOn ?? '',
        days: j.ackWorkdays ?? '',
        counted: yes(j.ack),
        ok: ok(j.ack),
      });
      close.addRow({
        ...base,
        deadline: p.deadline,
        closed: p.closedOn ?? '',
        counted: yes(j.close),
        ok: ok(j.close),
      });
      late.addRow({
        ...base,
        deadline: p.deadline,
        closed: p.closedOn ?? '',
        earlier: p.overdueEarlier ? '是' : '否',
        counted: '是',
        ok: j.overdue ? '否' : '是',
      });
    }
}

const cols = (...c: [string, string][]) =>
  c.map(([key, header]) => ({ key, header, width: Math.max(10, header.length * 2 + 2) }));

async function requestSheet(wb: ExcelJS.Workbook, conn: Conn, set: ProblemSet) {
  const ws = wb.addWorksheet('退回');
  setUpSheet(
    ws,
    cols(
      ['unit', '单位'],
      ['code', '问题编号'],
      ['requested', '申请销号日期'],
      ['decided', '决定日期'],
      ['status', '结果'],
      ['counted', '计入'],
      ['ok', '达标'],
    ),
  );
  const rows = rowsOf<{
    unit: string;
    code: string;
    requested: string;
    decided: string | null;
    status: string;
  }>(
    await conn.execute(sql`select u.name as unit, p.code, to_char(r.requested_at, 'YYYY-MM-DD') as requested,
        to_char(r.decided_at, 'YYYY-MM-DD') as decided, r.status
      from problem_requests r join problems p on p.id = r.problem_id join units u on u.id = p.lead_unit_id
      where r.kind = 'closure' and p.state <> 'withdrawn' and ${set} order by u.id, p.id, r.id`),
  );
  const label: Record<string, string> = { approved: '同意销号', rejected: '退回', pending: '待决定' };
  for (const r of rows) {
    const decided = r.status === 'approved' || r.status === 'rejected';
    ws.addRow({
      ...r,
      decided: r.decided ?? '',
      status: label[r.status] ?? r.status,
      counted: decided ? '是' : '否',
      ok: decided ? (r.status === 'approved' ? '是' : '否') : '',
    });
  }
}

async function revisitSheet(wb: ExcelJS.Workbook, conn: Conn, set: ProblemSet) {
  const ws = wb.addWorksheet('满意');
  setUpSheet(
    ws,
    cols(
      ['unit', '单位'],
      ['code', '问题编号'],
      ['round', '回访轮次'],
      ['rating', '评价'],
      ['on', '评价日期'],
      ['counted', '计入'],
      ['ok', '达标'],
    ),
  );
  const rows = rowsOf<{
    unit: string;
    code: string;
    round: number;
    rating: Rating;
    on: string | null;
    latest: boolean;
  }>(
    await conn.execute(sql`select u.name as unit, p.code, v.round, v.rating, v.rated_on::text as on,
        row_number() over (partition by v.problem_id order by v.round desc) = 1 as latest
      from revisits v join problems p on p.id = v.problem_id join units u on u.id = p.lead_unit_id
      where v.rating is not null and p.state <> 'withdrawn' and ${set} order by u.id, p.id, v.round`),
  );
  for (const r of rows)
    ws.addRow({
      ...r,
      rating: RATING_LABEL[r.rating] ?? r.rating,
      on: r.on ?? '',
      counted: r.latest ? '是' : '否',
      ok: r.latest ? (r.rating === 'unsatisfied' ? '否' : '是') : '',
    });
}
