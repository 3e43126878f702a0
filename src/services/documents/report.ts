import { chartRenderer } from '../../documents/chart-renderer.js';
import { reportDocument } from '../../documents/report.js';
import type { RankedUnit } from '../../documents/views.js';
import { invalid } from '../../domain/errors.js';
import { parseReportPeriod } from '../../domain/report-period.js';
import { rankUnits } from '../../domain/scoring.js';
import { mustStaff } from '../auth.js';
import { campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { campaignFacts } from '../scoring/scores.js';
import { scoringOptions, weightsOf } from '../scoring/weights.js';
import { type Issued, type IssueRequest, issueDocument } from './issue.js';
import { campaignProblems } from './problem-set.js';
import { reportLists } from './report-facts.js';
import { overdueOf } from './urge.js';

/**
 * `/通报 [周|月|YYYY-MM]`: the 通报 of one campaign (the asker's current one, or `议题:名称`):
 * figures, units ranked by 考核 score, the overdue list, returned and 不满意 items of the period,
 * 回头看 progress and the 办结率 chart (none on Workers: the document says so).
 */
export async function issueReport(
  ctx: ServiceCtx,
  o: { period?: string; campaign?: string },
  to: IssueRequest['to'],
): Promise<Issued & { chart: boolean }> {
  mustStaff(ctx.actor, '制发通报');
  const opts = scoringOptions(ctx);
  const period = parseReportPeriod(o.period, opts.today);
  if ('error' in period) throw invalid(period.error);
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, o.campaign);
  const facts = await campaignFacts(ctx, campaign);
  const scores = rankUnits(facts, weightsOf(campaign).weights, opts);
  const closedRate = new Map(
    facts.map((f) => {
      const ps = f.problems.filter((p) => !p.withdrawn);
      return [f.unitId, ps.length ? ps.filter((p) => p.closedOn).length / ps.length : null];
    }),
  );
  const ranking: RankedUnit[] = scores.map((s) => ({
    unit: s.unit,
    score: s.score,
    rank: s.rank,
    problems: s.problems,
    closedRate: closedRate.get(s.unitId) ?? null,
  }));
  const overdue = await overdueOf(ctx, null, campaignProblems(campaign.id));
  const total = ranking.reduce((n, u) => n + u.problems, 0);
  const closed = facts.reduce((n, f) => n + f.problems.filter((p) => !p.withdrawn && p.closedOn).length, 0);
  const lists = await reportLists(ctx, campaign.id, period);
  const render = chartRenderer();
  const withProblems = ranking.filter((u) => u.problems > 0);
  const chart = render
    ? render.closedRate(withProblems.map((u) => ({ label: u.unit, value: u.closedRate })))
    : null;
  const issued = await issueDocument(ctx, {
    kind: 'report',
    baseName: `通报-${campaign.name}-${period.label}`,
    to,
    build: (docNumber, date) =>
      reportDocument({
        orgName: ctx.config.org.name,
        docNumber,
        date,
        period: period.label,
        campaign: campaign.name,
        figures: {
          total,
          closed,
          open: total - closed,
          overdue: overdue.length,
          closedRate: total ? closed / total : null,
        },
        ranking,
        overdue,
        ...lists,
        chart,
      }),
  });
  return { ...issued, chart: chart !== null };
}
