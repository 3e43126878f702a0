import { and, asc, eq, inArray, isNotNull, max, ne, type SQL, sql } from 'drizzle-orm';
import {
  anonymousFeedback,
  auditLog,
  evaluatedUnits,
  evaluations,
  problems,
  reinspectionItems,
  units,
} from '../../db/schema/index.js';
import type { Conn } from '../db.js';
import { todayIn } from '../domain/dates.js';
import { OPEN_STATES, type ProblemState, STATE_LABEL } from '../domain/problem.js';
import { closeRate, type Figures, rankUnits, tally } from '../domain/ranking.js';
import {
  type PublicReinspection,
  type PublicVote,
  publishedReinspection,
  publishedVotes,
  unitLabel,
} from './disclosure/votes.js';
import { stateWhere } from './problem-filter.js';
import { problemFacts } from './tally-facts.js';

/**
 * The public disclosure page's data (GET /public, docs/domain.md §4). What leaves here is aggregate
 * figures, published problems (code, public title, unit, category, state, deadline) and published
 * vote results (disclosure-votes.ts): never a person, an open_id, a description (it may name firms
 * or people), nor anything of an anonymous submission but the public title staff approved for the
 * problem it became. Staff decide what is published in disclosure-publish.ts.
 */

export const PUBLIC_PAGE_SIZE = 20;
export const ANONYMOUS_SOURCE = '线上匿名';
/** Audit actions of publishing and withdrawing (their times count for 最近更新). */
export const DISCLOSURE_ACTIONS = {
  published: 'disclosure.published',
  withdrawn: 'disclosure.withdrawn',
} as const;

/** State filters offered to the public: 未销号, 逾期, each state but 已撤销 (withdrawn problems are never listed). */
export const PUBLIC_STATE_FILTERS = [
  'open',
  'overdue',
  'assigned',
  'acknowledged',
  'in_progress',
  'closure_requested',
  'closed',
] as const;
export type PublicStateFilter = (typeof PUBLIC_STATE_FILTERS)[number];
export const PUBLIC_STATE_LABEL: Record<PublicStateFilter, string> = {
  assigned: STATE_LABEL.assigned,
  acknowledged: STATE_LABEL.acknowledged,
  in_progress: STATE_LABEL.in_progress,
  closure_requested: STATE_LABEL.closure_requested,
  closed: STATE_LABEL.closed,
  open: '未销号',
  overdue: '逾期',
};

/** Came in through the anonymous channel: by its source, or linked from an anonymous_feedback row. */
const fromAnonymous = sql<boolean>`(${problems.source} = ${ANONYMOUS_SOURCE} or exists (select 1 from ${anonymousFeedback} where ${anonymousFeedback.problemId} = ${problems.id}))`;
/** What the public reads as the title: the staff-approved public title; the title only for non-anonymous problems. */
const shownTitle = sql<
  string | null
>`case when ${fromAnonymous} then nullif(btrim(${problems.publicTitle}), '') else coalesce(nullif(btrim(${problems.publicTitle}), ''), ${problems.title}) end`;
/** Listed: published, not withdrawn, and with a title the public may read. */
export const listed = and(
  isNotNull(problems.publishedAt),
  ne(problems.state, 'withdrawn'),
  sql`${shownTitle} is not null`,
);

export { unitLabel };

// ---------------------------------------------------------------- figures

export interface UnitRow extends Figures {
  name: string;
  fullName: string;
  rate: number | null;
  evaluated: boolean;
}

export interface CampaignFigures {
  today: string;
  totals: Figures & { withdrawn: number; rate: number | null };
  byCategory: ({ name: string; rate: number | null } & Figures)[];
  units: UnitRow[];
}

/** Every problem of the campaign counts here (aggregates name nobody); withdrawn ones are left out of 办结率, as in /统计. */
export async function campaignFigures(
  conn: Conn,
  today: string,
  campaignId: number,
): Promise<CampaignFigures> {
  const facts = await problemFacts(conn, campaignId);
  const all = await conn
    .select({ id: units.id, name: units.name, shortName: units.shortName })
    .from(units)
    .orderBy(asc(units.name));
  const evaluated = new Set(
    (
      await conn
        .select({ id: evaluatedUnits.unitId })
        .from(evaluatedUnits)
        .where(eq(evaluatedUnits.campaignId, campaignId))
    ).map((r) => r.id),
  );
  const t = tally(
    facts,
    [],
    all.map((u) => ({ id: u.id, name: unitLabel(u) })),
    today,
  );
  const full = new Map(all.map((u) => [u.id, u.name]));
  return {
    today,
    totals: { ...t.totals, rate: closeRate(t.totals.closed, t.totals.count) },
    byCategory: t.byCategory.map((c) => ({ ...c, rate: closeRate(c.closed, c.count) })),
    units: rankUnits(t.units)
      .map((r) => r.item)
      .filter((u) => u.led > 0)
      .map((u) => ({
        name: u.name,
        fullName: full.get(u.unitId) ?? u.name,
        count: u.led,
        open: u.open,
        overdue: u.overdue,
        closed: u.closed,
        rate: closeRate(u.closed, u.led),
        evaluated: evaluated.has(u.unitId),
      })),
  };
}

// ---------------------------------------------------------------- the published list

export interface PublicFilter {
  unitId?: number;
  /** One of the categories, or 未分类 for none. */
  category?: string;
  state?: PublicStateFilter;
  q?: string;
  page: number;
}

export interface PublicProblem {
  code: string;
  title: string;
  unit: string;
  category: string | null;
  state: ProblemState;
  deadline: string;
  overdue: boolean;
}

export interface PublicList {
  rows: PublicProblem[];
  total: number;
  page: number;
  pages: number;
  /** All published problems, before filtering. */
  published: number;
  unitOptions: { id: number; name: string }[];
  categoryOptions: string[];
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Listed on one campaign's page. */
const listedIn = (campaignId: number) => and(listed, eq(problems.campaignId, campaignId));

/** Searched: only what the page shows (code, public title, unit), so a search cannot probe hidden text. */
function filterWhere(f: PublicFilter, today: string, campaignId: number): SQL | undefined {
  const conds: (SQL | undefined)[] = [listedIn(campaignId)];
  if (f.unitId !== undefined) conds.push(eq(problems.leadUnitId, f.unitId));
  if (f.category === '未分类') conds.push(sql`${problems.category} is null`);
  else if (f.category) conds.push(eq(problems.category, f.category));
  if (f.state) conds.push(...stateWhere(f.state, today));
  if (f.q) {
    const p = `%${likeEscape(f.q)}%`;
    conds.push(
      sql`(${shownTitle} ilike ${p} or ${problems.code} ilike ${p} or ${units.name} ilike ${p} or coalesce(${units.shortName}, '') ilike ${p})`,
    );
  }
  return and(...conds);
}

export async function publishedProblems(
  conn: Conn,
  f: PublicFilter,
  today: string,
  campaignId: number,
): Promise<PublicList> {
  const where = filterWhere(f, today, campaignId);
  const inCampaign = listedIn(campaignId);
  const count = (w: SQL | undefined) =>
    conn
      .select({ n: sql<number>`count(*)::int` })
      .from(problems)
      .innerJoin(units, eq(units.id, problems.leadUnitId))
      .where(w);
  const [{ n: total } = { n: 0 }] = await count(where);
  const [{ n: published } = { n: 0 }] = await count(inCampaign);
  const pages = Math.max(1, Math.ceil(total / PUBLIC_PAGE_SIZE));
  const page = Math.min(Math.max(1, f.page), pages);
  const rows = await conn
    .select({
      code: problems.code,
      title: shownTitle,
      unit: units.name,
      shortName: units.shortName,
      category: problems.category,
      state: problems.state,
      deadline: problems.deadline,
    })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(where)
    .orderBy(asc(problems.year), asc(problems.seq))
    .limit(PUBLIC_PAGE_SIZE)
    .offset((page - 1) * PUBLIC_PAGE_SIZE);
  const unitOptions = await conn
    .selectDistinct({ id: units.id, name: units.name, shortName: units.shortName })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(inCampaign);
  const cats = await conn
    .selectDistinct({ category: problems.category })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(inCampaign);
  const categoryOptions = cats.map((c) => c.category ?? '未分类').sort((a, b) => a.localeCompare(b, 'zh'));
  return {
    rows: rows.map((r) => ({
      code: r.code,
      title: r.title ?? '',
      unit: unitLabel({ name: r.unit, shortName: r.shortName }),
      category: r.category,
      state: r.state,
      deadline: r.deadline,
      overdue: OPEN_STATES.includes(r.state) && r.deadline < today,
    })),
    total,
    page,
    pages,
    published,
    unitOptions: unitOptions
      .map((u) => ({ id: u.id, name: unitLabel(u) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh')),
    categoryOptions,
  };
}

/**
 * 最近更新: the latest change behind anything the campaign's page shows: any of its problems
 * changing (the figures count them all), a publication or withdrawal (kept in the audit chain, by
 * code), a vote of it published, a 回头看 item decided.
 */
export async function lastUpdated(conn: Conn, campaignId: number): Promise<Date | null> {
  const [p] = await conn
    .select({ at: max(problems.updatedAt), pub: max(problems.publishedAt) })
    .from(problems)
    .where(eq(problems.campaignId, campaignId));
  const [a] = await conn
    .select({ at: max(auditLog.at) })
    .from(auditLog)
    .innerJoin(problems, and(eq(auditLog.subjectType, 'problem'), eq(problems.code, auditLog.subjectId)))
    .where(
      and(inArray(auditLog.action, Object.values(DISCLOSURE_ACTIONS)), eq(problems.campaignId, campaignId)),
    );
  const [e] = await conn
    .select({ at: max(evaluations.publishedAt) })
    .from(evaluations)
    .where(eq(evaluations.campaignId, campaignId));
  const [r] = await conn
    .select({ at: max(reinspectionItems.decidedAt) })
    .from(reinspectionItems)
    .innerJoin(evaluations, eq(evaluations.id, reinspectionItems.evaluationId))
    .where(and(isNotNull(evaluations.publishedAt), eq(evaluations.campaignId, campaignId)));
  const times = [p?.at, p?.pub, a?.at, e?.at, r?.at].filter((x): x is Date => x instanceof Date);
  return times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : null;
}

export interface PublicPage {
  figures: CampaignFigures;
  list: PublicList;
  votes: PublicVote[];
  reinspection: PublicReinspection[];
  updatedAt: Date | null;
}

/** One campaign's page: its figures, its published problems, its published votes and their 回头看. */
export async function publicPage(
  conn: Conn,
  o: { now: Date; timezone: string; filter: PublicFilter; campaignId: number },
): Promise<PublicPage> {
  const today = todayIn(o.now, o.timezone);
  const votes = await publishedVotes(conn, o.campaignId);
  return {
    figures: await campaignFigures(conn, today, o.campaignId),
    list: await publishedProblems(conn, o.filter, today, o.campaignId),
    votes,
    reinspection: await publishedReinspection(conn, votes),
    updatedAt: await lastUpdated(conn, o.campaignId),
  };
}

/** How many of a campaign's problems are public, for the command's summary. */
export async function publishedCount(conn: Conn, campaignId: number): Promise<number> {
  const [{ n } = { n: 0 }] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(problems)
    .where(listedIn(campaignId));
  return n;
}
