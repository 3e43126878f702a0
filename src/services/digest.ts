import { and, asc, eq, inArray } from 'drizzle-orm';
import {
  boundedDigestCard,
  type DigestCardInput,
  type DigestSection,
  type UnitListItem,
  unitWeeklyCard,
} from '../../cards/digest.js';
import type { Card } from '../../cards/kit.js';
import {
  campaigns,
  deliveryKeys,
  groupMembers,
  groupUnits,
  problems,
  roles,
  unitContacts,
  units,
} from '../../db/schema/index.js';
import { auditHeadHash } from '../audit/chain.js';
import type { Config } from '../config.js';
import type { Conn, Db } from '../db.js';
import type { WorkdayCalendar } from '../domain/calendar.js';
import { addDays, todayIn, weekday } from '../domain/dates.js';
import { type DigestRow, digestFigures } from '../domain/digest.js';
import { isOpen, OPEN_STATES } from '../domain/problem.js';
import { firstCloseSatisfactionRate, satisfactionRate } from '../domain/satisfaction.js';
import { trendCloseRate } from '../domain/trend.js';
import type { Logger } from '../log.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import { loadCalendar } from './calendar/load.js';
import { type CampaignRow, campaignFor, openCampaigns } from './campaigns/read.js';
import type { ServiceCtx } from './context.js';
import { campaignProblems } from './documents/problem-set.js';
import { evaluatedUnitNames } from './evaluation/common.js';
import { reinspectionDigest } from './evaluation/reinspection-progress.js';
import { isStaff } from './people/read.js';
import { problemHeadColumns } from './problem-columns.js';
import { satisfactionCounts } from './revisits/rates.js';
import { campaignTrend } from './scoring/trend.js';

/** Monday of the week of `at`, in APP_TIMEZONE: the digest's once-a-week key. */
export function weekStartOf(at: Date, tz: string): string {
  const today = todayIn(at, tz);
  return addDays(today, -((weekday(today) + 6) % 7));
}

async function rowsFor(conn: Conn, campaignId: number, unitIds?: number[]): Promise<DigestRow[]> {
  if (unitIds && !unitIds.length) return [];
  return conn
    .select({
      code: problems.code,
      title: problems.title,
      state: problems.state,
      deadline: problems.deadline,
      unit: units.name,
      createdAt: problems.createdAt,
      assignedAt: problems.assignedAt,
      acknowledgedAt: problems.acknowledgedAt,
      closedAt: problems.closedAt,
    })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(
      and(eq(problems.campaignId, campaignId), unitIds ? inArray(problems.leadUnitId, unitIds) : undefined),
    );
}

export interface BuiltDigest {
  /** Each section's figures, in the card's order. */
  sections: DigestSection[];
  card: Card;
}

type DigestOptions = {
  at: Date;
  config: Config;
  calendar: WorkdayCalendar;
  unitIds?: number[];
  scope: string;
  /** The campaigns shown, one section each; the scheduled digest's: every open campaign. */
  campaigns?: CampaignRow[];
  /** Campaign trends already computed in this run (the trend is campaign-wide: one per run). */
  trends?: Map<number, DigestSection['trend']>;
};

async function trendOf(conn: Conn, c: CampaignRow, o: DigestOptions): Promise<DigestSection['trend']> {
  const known = o.trends?.get(c.id);
  if (known) return known;
  const t = await campaignTrend(
    { tx: conn, now: o.at, config: o.config, calendar: o.calendar },
    { campaignId: c.id, campaign: c.name },
  );
  const trend = t.months.map((month) => ({
    month,
    rate: trendCloseRate(t.overall.find((r) => r.month === month)),
  }));
  o.trends?.set(c.id, trend);
  return trend;
}

/** One campaign's section: figures, the 办结率 trend, 评议对象, 回头看 and 回访 rates. */
async function sectionFor(conn: Conn, c: CampaignRow, o: DigestOptions): Promise<DigestSection> {
  const s = (await satisfactionCounts(conn, campaignProblems(c.id))).total;
  return {
    trend: await trendOf(conn, c, o),
    campaign: c.name,
    figures: digestFigures(await rowsFor(conn, c.id, o.unitIds), o.at, o.config.timezone, o.calendar),
    evaluated: await evaluatedUnitNames(conn, c.id),
    reinspection: await reinspectionDigest(conn, o.unitIds, c.id),
    satisfaction: { rate: satisfactionRate(s), firstRate: firstCloseSatisfactionRate(s), rated: s.rated },
  };
}

/** What the digest shows for a scope: every unit (staff) or the units of some groups (supervisors). */
export async function digestView(conn: Conn, o: DigestOptions): Promise<DigestCardInput> {
  const tz = o.config.timezone;
  const weekStart = weekStartOf(o.at, tz);
  const year = Number(todayIn(o.at, tz).slice(0, 4));
  const campaigns = o.campaigns ?? (await openCampaigns(conn));
  const sections: DigestSection[] = [];
  for (const c of campaigns) sections.push(await sectionFor(conn, c, o));
  return {
    scope: o.scope,
    weekStart,
    weekEnd: addDays(weekStart, 6),
    sections,
    headHash: (await auditHeadHash(conn)).hash,
    unconfirmedYear: o.calendar.isConfirmed(`${year}-12-31`) ? undefined : year,
    publicUrl: o.config.publicBaseUrl ? `${o.config.publicBaseUrl.replace(/\/$/, '')}/public` : undefined,
  };
}

/** Figures and card for a scope, for the scheduled digest's outbox messages. */
export async function buildDigest(conn: Conn, o: DigestOptions): Promise<BuiltDigest> {
  const view = await digestView(conn, o);
  return { sections: view.sections, card: boundedDigestCard(view) };
}

/**
 * /周报 [议题:<名称>]: the asker's digest now, for one campaign (theirs, or the one named). Staff see
 * every unit; a supervisor sees their groups' units.
 */
export async function digestForAsker(ctx: ServiceCtx, named?: string): Promise<DigestCardInput> {
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, named);
  const base = { at: ctx.now, config: ctx.config, calendar: ctx.calendar, campaigns: [campaign] };
  if (isStaff(ctx.actor.roles)) return digestView(ctx.tx, { ...base, scope: '全部承办单位' });
  const unitIds = await groupUnitIdsOf(ctx.tx, ctx.actor.openId);
  return unitIds.length
    ? digestView(ctx.tx, { ...base, unitIds, scope: '您所在督导组联系的单位' })
    : digestView(ctx.tx, { ...base, scope: '全部承办单位' });
}

export async function groupUnitIdsOf(conn: Conn, openId: string): Promise<number[]> {
  const groups = (
    await conn.select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.openId, openId))
  ).map((r) => r.g);
  if (!groups.length) return [];
  return (
    await conn.select({ u: groupUnits.unitId }).from(groupUnits).where(inArray(groupUnits.groupId, groups))
  ).map((r) => r.u);
}

/** Staff and admins get the all-units digest; supervisors who are not staff get their groups' units. */
async function digestAudience(tx: Conn, config: Config): Promise<{ staff: string[]; supervisors: string[] }> {
  const roleRows = await tx.select().from(roles);
  const staff = [
    ...new Set([
      ...roleRows.filter((r) => r.role === 'staff' || r.role === 'admin').map((r) => r.openId),
      ...config.adminOpenIds,
    ]),
  ];
  const supervisors = [
    ...new Set(roleRows.filter((r) => r.role === 'supervisor').map((r) => r.openId)),
  ].filter((s) => !staff.includes(s));
  return { staff, supervisors };
}

/** Each unit's open items, most overdue first once sorted, keyed by unit id. */
async function openItemsByUnit(
  tx: Conn,
  today: string,
  calendar: WorkdayCalendar,
): Promise<Map<number, { unit: string; items: UnitListItem[] }>> {
  const open = await tx
    .select({
      ...problemHeadColumns,
      unitId: problems.leadUnitId,
      unit: units.name,
      campaign: campaigns.name,
    })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .innerJoin(campaigns, eq(campaigns.id, problems.campaignId))
    .where(and(inArray(problems.state, OPEN_STATES), eq(campaigns.state, 'open')))
    .orderBy(asc(campaigns.id));
  const byUnit = new Map<number, { unit: string; items: UnitListItem[] }>();
  for (const p of open) {
    if (!isOpen(p.state)) continue;
    const e = byUnit.get(p.unitId) ?? { unit: p.unit, items: [] };
    e.items.push({
      campaign: p.campaign,
      problemId: p.id,
      code: p.code,
      title: p.title,
      state: p.state,
      deadline: p.deadline,
      overdueWorkdays: today > p.deadline ? calendar.workdaysAfter(p.deadline, today) : 0,
    });
    byUnit.set(p.unitId, e);
  }
  return byUnit;
}

/** The per-unit weekly list to each contact of a unit with open items, once per contact, unit and week. */
async function unitMessages(
  tx: Conn,
  o: { at: Date; week: string; today: string; calendar: WorkdayCalendar },
): Promise<OutboxMessage[]> {
  const { at, week } = o;
  const byUnit = await openItemsByUnit(tx, o.today, o.calendar);
  const messages: OutboxMessage[] = [];
  for (const c of await tx.select().from(unitContacts)) {
    const e = byUnit.get(c.unitId);
    if (!e) continue;
    const key = `d:${week}:${c.openId}:${c.unitId}`;
    if (!(await tx.insert(deliveryKeys).values({ key, at }).onConflictDoNothing().returning()).length)
      continue;
    // Grouped by campaign (in the order they were made), most overdue first within each.
    const order = new Map([...new Set(e.items.map((i) => i.campaign))].map((c, n) => [c, n]));
    e.items.sort(
      (a, b) =>
        order.get(a.campaign)! - order.get(b.campaign)! ||
        b.overdueWorkdays - a.overdueWorkdays ||
        a.deadline.localeCompare(b.deadline),
    );
    messages.push({
      msgType: 'interactive',
      content: unitWeeklyCard(e.unit, week, e.items),
      purpose: 'digest_unit',
      to: { type: 'open_id', id: c.openId },
    });
  }
  return messages;
}

/**
 * The weekly run: each supervisor gets their groups' units, staff and admins everything, each
 * unit's contacts their open items; once per person per week, however often the job runs.
 */
export async function runDigest(
  deps: { db: Db; config: Config; log: Logger },
  at: Date,
): Promise<{ week: string; messages: number }> {
  const { db, config } = deps;
  const tz = config.timezone;
  const week = weekStartOf(at, tz);
  const calendar = await loadCalendar(db);
  return db.transaction(async (tx) => {
    const { staff, supervisors } = await digestAudience(tx, config);
    const trends = new Map<number, DigestSection['trend']>();
    const messages: OutboxMessage[] = [];
    const once = async (who: string) =>
      (
        await tx
          .insert(deliveryKeys)
          .values({ key: `d:${week}:${who}`, at })
          .onConflictDoNothing()
          .returning()
      ).length > 0;
    if (staff.length) {
      const all = await buildDigest(tx, { at, config, calendar, scope: '全部承办单位', trends });
      for (const s of staff)
        if (await once(s))
          messages.push({
            msgType: 'interactive',
            content: all.card,
            purpose: 'digest',
            to: { type: 'open_id', id: s },
          });
    }
    for (const s of supervisors) {
      const unitIds = await groupUnitIdsOf(tx, s);
      if (!(await once(s))) continue;
      const d = await buildDigest(tx, {
        at,
        config,
        calendar,
        trends,
        unitIds: unitIds.length ? unitIds : undefined,
        scope: unitIds.length ? '您所在督导组联系的单位' : '全部承办单位',
      });
      messages.push({
        msgType: 'interactive',
        content: d.card,
        purpose: 'digest',
        to: { type: 'open_id', id: s },
      });
    }
    const today = todayIn(at, tz);
    messages.push(...(await unitMessages(tx, { at, week, today, calendar })));
    await enqueue(tx, messages);
    if (!calendar.isConfirmed(today))
      deps.log.warn(
        { action: 'job:digest', today },
        'workday calendar for this year is unconfirmed (statutory fallback)',
      );
    return { week, messages: messages.length };
  });
}
