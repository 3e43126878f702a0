import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db.js';
import type { ReportView } from '../../documents/views.js';
import type { ReportPeriod } from '../../domain/report-period.js';
import type { ServiceCtx } from '../context.js';
import { campaignProblems } from './problem-set.js';

type Lists = Pick<ReportView, 'returned' | 'unsatisfied' | 'reinspection'>;

/**
 * What a 通报 lists for one campaign and period: close-out requests returned in the period (with
 * the reason), 回访 rated 不满意 in it (with the comment), and 回头看 progress of the campaign.
 */
export async function reportLists(ctx: ServiceCtx, campaignId: number, period: ReportPeriod): Promise<Lists> {
  const tz = ctx.config.timezone;
  const set = campaignProblems(campaignId);
  const returned = rowsOf<{ code: string; title: string; unit: string; reason: string }>(
    await ctx.tx.execute(sql`select p.code, p.title, u.name as unit, coalesce(r.decision_reason, '') as reason
      from problem_requests r join problems p on p.id = r.problem_id join units u on u.id = p.lead_unit_id
      where r.kind = 'closure' and r.status = 'rejected' and ${set}
        and (r.decided_at at time zone ${tz}::text)::date between ${period.from}::date and ${period.to}::date
      order by r.decided_at, p.code`),
  );
  const unsatisfied = rowsOf<{ code: string; title: string; unit: string; comment: string }>(
    await ctx.tx.execute(sql`select p.code, p.title, u.name as unit, coalesce(v.comment, '') as comment
      from revisits v join problems p on p.id = v.problem_id join units u on u.id = p.lead_unit_id
      where v.rating = 'unsatisfied' and ${set} and v.rated_on between ${period.from}::date and ${period.to}::date
      order by v.rated_on, p.code`),
  );
  const [r] = rowsOf<{ total: number; checked: number; confirmed: number; reopened: number; items: number }>(
    await ctx.tx.execute(sql`select
        (select count(*)::int from problems p where p.state = 'closed' and ${set}) as total,
        count(i.*) filter (where i.status in ('confirmed', 'reopened'))::int as checked,
        count(i.*) filter (where i.status = 'confirmed')::int as confirmed,
        count(i.*) filter (where i.status = 'reopened')::int as reopened,
        count(i.*)::int as items
      from reinspection_items i join evaluations e on e.id = i.evaluation_id where e.campaign_id = ${campaignId}`),
  );
  const reinspection =
    r && Number(r.items) > 0
      ? {
          total: Number(r.total),
          checked: Number(r.checked),
          confirmed: Number(r.confirmed),
          reopened: Number(r.reopened),
        }
      : null;
  return { returned, unsatisfied, reinspection };
}
