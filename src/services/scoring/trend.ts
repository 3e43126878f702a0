import { sql } from 'drizzle-orm';
import type { Conn } from '../../db.js';
import { chartRenderer } from '../../documents/chart-renderer.js';
import { lastMonths, type TrendRow, type TrendView, trendCloseRate } from '../../domain/trend.js';
import { mustStaffOrSupervisor } from '../auth.js';
import { campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { campaignProblems } from '../documents/problem-set.js';
import { allUnits, resolveUnit } from '../units/read.js';
import { ensureWorkdays, trendRows } from './trends.js';
import { scoringOptions } from './weights.js';

const MONTHS = 6;

function grouped<K>(rows: TrendRow[], key: (r: TrendRow) => K | null): Map<K, TrendRow[]> {
  const m = new Map<K, TrendRow[]>();
  for (const r of rows) {
    const k = key(r);
    if (k !== null) m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
}

/** The last six months of one campaign, or of one unit in it: the SQL aggregation, then named. */
/** What a trend needs: no actor, so the weekly digest (a job) can ask too. */
export type TrendCtx = Pick<ServiceCtx, 'now' | 'config' | 'calendar'> & { tx: Conn };

export async function campaignTrend(
  ctx: TrendCtx,
  o: { campaignId: number; campaign: string; unit?: { id: number; name: string } },
): Promise<TrendView> {
  const { today } = scoringOptions(ctx);
  const months = lastMonths(today, MONTHS);
  const from = `${months[0]}-01`;
  await ensureWorkdays(ctx.tx, ctx.calendar, Number(from.slice(0, 4)), Number(today.slice(0, 4)));
  const set = o.unit
    ? sql`${campaignProblems(o.campaignId)} and p.lead_unit_id = ${o.unit.id}`
    : campaignProblems(o.campaignId);
  const rows = await trendRows(ctx.tx, { timezone: ctx.config.timezone, today, problemSet: set, from });
  const names = new Map((await allUnits(ctx.tx)).map((u) => [u.id, u.name]));
  const byCategory = [...grouped(rows, (r) => (r.by === 'category' ? r.category : null))].map(
    ([category, rs]) => ({ category: category ?? '未分类', rows: rs }),
  );
  const byUnit = o.unit
    ? []
    : [...grouped(rows, (r) => (r.by === 'unit' ? r.unitId : null))].map(([id, rs]) => ({
        unit: names.get(id ?? 0) ?? `单位#${id}`,
        rows: rs,
      }));
  return {
    campaign: o.campaign,
    today,
    unit: o.unit?.name ?? null,
    months,
    overall: rows.filter((r) => r.by === 'all'),
    byCategory,
    byUnit,
  };
}

/** `/统计 趋势 [单位]`: the asker's current campaign (or `议题:名称`), for one unit or all. */
export async function trendFor(ctx: ServiceCtx, o: { unit?: string; campaign?: string }): Promise<TrendView> {
  mustStaffOrSupervisor(ctx.actor, '/统计 趋势');
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, o.campaign);
  const unit = o.unit ? await resolveUnit(ctx.tx, o.unit) : undefined;
  return campaignTrend(ctx, { campaignId: campaign.id, campaign: campaign.name, unit });
}

/**
 * The campaign's trend chart as PNG (办结率 and the medians month by month), for the weekly
 * digest; null where no chart renderer is registered (Workers).
 */
export async function campaignTrendChart(
  ctx: TrendCtx,
  campaign: { id: number; name: string },
): Promise<Buffer | null> {
  const render = chartRenderer();
  if (!render) return null;
  const v = await campaignTrend(ctx, { campaignId: campaign.id, campaign: campaign.name });
  const at = (m: string) => v.overall.find((r) => r.month === m);
  return render.trend(v.months, [{ name: '办结率', values: v.months.map((m) => trendCloseRate(at(m))) }], {
    title: `${campaign.name} 办结率趋势`,
    percent: true,
  });
}
