import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { problemCoUnits, problemEvents, problems, units } from '../../../db/schema/index.js';
import { formatInstantCn, todayIn } from '../../domain/dates.js';
import { STATE_LABEL } from '../../domain/problem.js';
import { closeRate, rankUnits, tally } from '../../domain/ranking.js';
import { firstCloseSatisfactionRate, NO_RATINGS, satisfactionRate } from '../../domain/satisfaction.js';
import { mustStaff } from '../auth.js';
import { campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { campaignProblems } from '../documents/problem-set.js';
import { STATE_FILTER_LABEL, type StateFilter, stateWhere, unitWhere } from '../problem-filter.js';
import { overdueWorkdays } from '../problems/load.js';
import { clockOf } from '../problems/view.js';
import { satisfactionCounts } from '../revisits/rates.js';
import { latestRatings } from '../revisits/read.js';
import { problemFacts } from '../tally-facts.js';
import { allUnits } from '../units/read.js';
import { dateCell, setUpSheet, toBytes } from './style.js';

/**
 * `/导出`: the problem list as a workbook. Sheet 1 the problems (filters as in /清单), sheet 2 the
 * figures per unit, sheet 3 what was exported when. Staff only; nothing personal is in it (no
 * contacts, nobody's identity behind an anonymous source).
 */
export interface ExportFilter {
  /** `议题:<名称>`; else the asker's current campaign. An archived campaign exports as well. */
  campaign?: string;
  unitId?: number;
  state?: StateFilter;
}

export interface ExportFile {
  fileName: string;
  bytes: Buffer;
  count: number;
}

/** A progress event's data (problem_events.data): the outcome is the one field the sheet shows. */
const ProgressData = z.looseObject({ outcome: z.string() });

export const PROBLEMS_SHEET = '问题清单';
export const FIGURES_SHEET = '单位统计';

type ProblemRow = typeof problems.$inferSelect;
interface Progress {
  text: string;
  at: Date;
  outcome?: string;
}

export async function exportProblems(ctx: ServiceCtx, f: ExportFilter): Promise<ExportFile> {
  mustStaff(ctx.actor, '导出问题清单');
  const today = todayIn(ctx.now, ctx.config.timezone);
  const all = await allUnits(ctx.tx);
  const unitName = new Map(all.map((u) => [u.id, u.name]));
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, f.campaign);
  const labels: string[] = [];
  const conds: (SQL | undefined)[] = [eq(problems.campaignId, campaign.id)];
  if (f.unitId !== undefined) {
    labels.push(unitName.get(f.unitId) ?? `单位#${f.unitId}`);
    conds.push(unitWhere(ctx.tx, f.unitId));
  }
  if (f.state) {
    labels.push(STATE_FILTER_LABEL[f.state]!);
    conds.push(...stateWhere(f.state, today));
  }
  const rows = await ctx.tx
    .select()
    .from(problems)
    .where(and(...conds))
    .orderBy(asc(problems.year), asc(problems.seq));

  const wb = new ExcelJS.Workbook();
  wb.creator = '督办助手';
  wb.created = ctx.now;
  await problemsSheet(ctx, wb, rows, unitName);
  await figuresSheet(ctx, wb, all, today, { unitId: f.unitId, campaignId: campaign.id });
  aboutSheet(ctx, wb, [`议题：${campaign.name}`, ...labels], rows.length);

  const stamp = today.replaceAll('-', '');
  const fileName =
    `督办问题清单-${campaign.name}${labels.length ? `-${labels.join('-')}` : ''}-${stamp}.xlsx`.replace(
      /[\\/:*?"<>|]/g,
      '_',
    );
  return { fileName, bytes: await toBytes(wb), count: rows.length };
}

/** Each problem's cooperating units by name, and its latest progress report. */
async function coUnitsAndProgress(ctx: ServiceCtx, ids: number[]) {
  const coByProblem = new Map<number, string[]>();
  const lastProgress = new Map<number, Progress>();
  if (!ids.length) return { coByProblem, lastProgress };
  const co = await ctx.tx
    .select({ problemId: problemCoUnits.problemId, name: units.name })
    .from(problemCoUnits)
    .innerJoin(units, eq(units.id, problemCoUnits.unitId))
    .where(inArray(problemCoUnits.problemId, ids))
    .orderBy(asc(units.name));
  for (const c of co) coByProblem.set(c.problemId, [...(coByProblem.get(c.problemId) ?? []), c.name]);
  const progress = await ctx.tx
    .select({
      problemId: problemEvents.problemId,
      text: problemEvents.text,
      at: problemEvents.at,
      data: problemEvents.data,
    })
    .from(problemEvents)
    .where(and(eq(problemEvents.kind, 'progress'), inArray(problemEvents.problemId, ids)))
    .orderBy(desc(problemEvents.at), desc(problemEvents.id));
  for (const p of progress) {
    if (lastProgress.has(p.problemId)) continue;
    lastProgress.set(p.problemId, {
      text: p.text,
      at: p.at,
      outcome: ProgressData.safeParse(p.data).data?.outcome,
    });
  }
  return { coByProblem, lastProgress };
}

/** Sheet 1: the problems, as filtered. */
async function problemsSheet(
  ctx: ServiceCtx,
  wb: ExcelJS.Workbook,
  rows: ProblemRow[],
  unitName: Map<number, string>,
) {
  const tz = ctx.config.timezone;
  const { coByProblem, lastProgress } = await coUnitsAndProgress(
    ctx,
    rows.map((r) => r.id),
  );
  const ws = wb.addWorksheet(PROBLEMS_SHEET);
  setUpSheet(ws, [
    { key: 'code', header: '编号', width: 14 },
    { key: 'title', header: '问题标题', width: 42, wrap: true },
    { key: 'state', header: '状态', width: 9 },
    { key: 'lead', header: '牵头单位', width: 22, wrap: true },
    { key: 'co', header: '配合单位', width: 24, wrap: true },
    { key: 'category', header: '类别', width: 13 },
    { key: 'timeliness', header: '时效', width: 10 },
    { key: 'source', header: '来源', width: 10 },
    { key: 'deadline', header: '期限', width: 12, date: true },
    { key: 'overdue', header: '逾期工作日', width: 11, numFmt: '0' },
    { key: 'progress', header: '最新进展', width: 48, wrap: true },
    { key: 'progressAt', header: '进展日期', width: 12, date: true },
    { key: 'revisit', header: '回访', width: 16 },
  ]);
  const clock = clockOf(ctx);
  const ratings = await latestRatings(
    ctx.tx,
    rows.map((r) => r.id),
  );
  for (const r of rows) {
    const late = overdueWorkdays(r, clock);
    const lp = lastProgress.get(r.id);
    ws.addRow({
      code: r.code,
      title: r.title,
      state: STATE_LABEL[r.state] ?? r.state,
      lead: unitName.get(r.leadUnitId) ?? `单位#${r.leadUnitId}`,
      co: coByProblem.get(r.id)?.join('、') ?? null,
      category: r.category,
      timeliness: r.timeliness,
      source: r.source,
      deadline: dateCell(r.deadline),
      // Open and past the deadline: workdays late; closed or withdrawn: blank.
      overdue: late === null ? null : late,
      progress: lp ? `${lp.text}${lp.outcome ? `（成效：${lp.outcome}）` : ''}` : null,
      progressAt: lp ? dateCell(todayIn(lp.at, tz)) : null,
      revisit: ratings.get(r.id) ?? null,
    });
  }
}

/** Sheet 2: per unit over all its problems in the campaign (withdrawn not counted), as /统计: a state filter would make 办结率 meaningless. */
async function figuresSheet(
  ctx: ServiceCtx,
  wb: ExcelJS.Workbook,
  all: { id: number; name: string }[],
  today: string,
  { unitId, campaignId }: { unitId?: number; campaignId: number },
) {
  const figures = wb.addWorksheet(FIGURES_SHEET);
  setUpSheet(figures, [
    { key: 'name', header: '单位', width: 30 },
    { key: 'count', header: '问题数', width: 9, numFmt: '0' },
    { key: 'closed', header: '已销号', width: 9, numFmt: '0' },
    { key: 'open', header: '未销号', width: 9, numFmt: '0' },
    { key: 'overdue', header: '逾期', width: 9, numFmt: '0' },
    { key: 'rate', header: '办结率', width: 10, numFmt: '0.0%' },
    { key: 'satisfied', header: '满意率', width: 10, numFmt: '0.0%' },
    { key: 'firstSatisfied', header: '首次办结满意率', width: 15, numFmt: '0.0%' },
  ]);
  const s = await satisfactionCounts(ctx.tx, campaignProblems(campaignId));
  const t = tally(await problemFacts(ctx.tx, campaignId), [], all, today);
  const ranked = rankUnits(t.units.filter((u) => u.led > 0 && (unitId === undefined || u.unitId === unitId)));
  for (const { item: u } of ranked)
    figures.addRow({
      name: u.name,
      count: u.led,
      closed: u.closed,
      open: u.open,
      overdue: u.overdue,
      rate: closeRate(u.closed, u.led),
      satisfied: satisfactionRate(s.byUnit.get(u.unitId) ?? NO_RATINGS),
      firstSatisfied: firstCloseSatisfactionRate(s.byUnit.get(u.unitId) ?? NO_RATINGS),
    });
  if (unitId === undefined) {
    const total = figures.addRow({
      name: '合计',
      count: t.totals.count,
      closed: t.totals.closed,
      open: t.totals.open,
      overdue: t.totals.overdue,
      rate: closeRate(t.totals.closed, t.totals.count),
      satisfied: satisfactionRate(s.total),
      firstSatisfied: firstCloseSatisfactionRate(s.total),
    });
    total.font = { bold: true };
  }
}

/** Sheet 3: what was exported when, by whom. */
function aboutSheet(ctx: ServiceCtx, wb: ExcelJS.Workbook, labels: string[], count: number) {
  const about = wb.addWorksheet('导出说明');
  about.columns = [
    { key: 'k', width: 14 },
    { key: 'v', width: 70, style: { alignment: { wrapText: true, vertical: 'top' } } },
  ];
  about.addRows([
    ['导出时间', formatInstantCn(ctx.now, ctx.config.timezone)],
    ['导出人', ctx.actor.name],
    ['筛选条件', labels.length ? labels.join('，') : '全部问题'],
    ['问题数', count],
    [
      '说明',
      `「${FIGURES_SHEET}」按各单位牵头的全部问题统计（已撤销的不计），不受状态筛选影响；逾期指未销号且已过期限，逾期工作日按法定节假日和调休计算。`,
    ],
  ]);
  about.getColumn('k').font = { bold: true };
}
