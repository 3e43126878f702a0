import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  campaigns,
  evaluatedUnits,
  evidence,
  groupMembers,
  groupUnits,
  problemCoUnits,
  problemEvents,
  problemRequests,
  problems,
  supervisionGroups,
  unitContacts,
  units,
} from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import type { WorkdayCalendar } from '../../domain/calendar.js';
import { categoriesOf } from '../../domain/campaign.js';
import { todayIn } from '../../domain/dates.js';
import { conflict, notFound } from '../../domain/errors.js';
import { isOpen, type ProblemState, parseCode } from '../../domain/problem.js';
import type {
  EvidenceItem,
  HistoryItem,
  PendingRequest,
  ProblemView,
  Relation,
} from '../../domain/problem-view.js';
import { isStaff, namesOf, type Role } from '../people/read.js';
import { type Deciders, decidedBy, decidersOf } from './deciders.js';

export type ProblemRow = typeof problems.$inferSelect;

export interface ViewClock {
  now: Date;
  timezone: string;
  calendar: WorkdayCalendar;
}

/** Finds a problem by code (DB-2026-007) or id; refuses clearly when there is none. */
export async function findProblem(conn: Conn, ref: string | number): Promise<ProblemRow> {
  let row: ProblemRow | undefined;
  if (typeof ref === 'number') [row] = await conn.select().from(problems).where(eq(problems.id, ref));
  else {
    const code = parseCode(ref);
    if (!code) throw notFound(`「${ref}」不是有效的问题编号，编号形如 DB-2026-007。`);
    [row] = await conn.select().from(problems).where(eq(problems.code, code));
  }
  if (!row) throw notFound(`未找到问题 ${typeof ref === 'number' ? `#${ref}` : ref}。`);
  return row;
}

/**
 * Locks the problem row for a state change (two clicks cannot both win). A problem of an archived
 * campaign is read-only: refused with what to do, unless the caller only files what already came
 * (`archivedOk`).
 */
export async function lockProblem(
  conn: Conn,
  id: number,
  o: { archivedOk?: boolean } = {},
): Promise<ProblemRow> {
  const [row] = await conn.select().from(problems).where(eq(problems.id, id)).for('update');
  if (!row) throw notFound(`未找到问题 #${id}。`);
  if (!o.archivedOk) {
    const [c] = await conn
      .select({ name: campaigns.name, state: campaigns.state })
      .from(campaigns)
      .where(eq(campaigns.id, row.campaignId));
    if (c?.state === 'archived')
      throw conflict(
        `${row.code} 所属议题「${c.name}」已归档，问题只能查看，不能再办理。如需继续办理，请工作人员发送 /议题 恢复 ${c.name}。`,
      );
  }
  return row;
}

export function overdueWorkdays(row: { state: string; deadline: string }, clock: ViewClock): number | null {
  if (!isOpen(row.state)) return null;
  const today = todayIn(clock.now, clock.timezone);
  return today > row.deadline ? clock.calendar.workdaysAfter(row.deadline, today) : 0;
}

export async function loadView(conn: Conn, row: ProblemRow, clock: ViewClock): Promise<ProblemView> {
  const unitIds = [row.leadUnitId];
  const [campaign] = await conn
    .select({ categories: campaigns.categories })
    .from(campaigns)
    .where(eq(campaigns.id, row.campaignId));
  const co = await conn
    .select({ id: units.id, name: units.name, shortName: units.shortName })
    .from(problemCoUnits)
    .innerJoin(units, eq(units.id, problemCoUnits.unitId))
    .where(eq(problemCoUnits.problemId, row.id))
    .orderBy(asc(units.name));
  const [lead] = await conn
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(inArray(units.id, unitIds));
  const group = row.groupId
    ? ((
        await conn
          .select({ id: supervisionGroups.id, name: supervisionGroups.name })
          .from(supervisionGroups)
          .where(eq(supervisionGroups.id, row.groupId))
      )[0] ?? null)
    : null;
  const [ev] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(evidence)
    .where(eq(evidence.problemId, row.id));
  const [evaluated] = await conn
    .select()
    .from(evaluatedUnits)
    .where(and(eq(evaluatedUnits.unitId, row.leadUnitId), eq(evaluatedUnits.campaignId, row.campaignId)));
  const reqs = await conn
    .select()
    .from(problemRequests)
    .where(and(eq(problemRequests.problemId, row.id), eq(problemRequests.status, 'pending')))
    .orderBy(asc(problemRequests.requestedAt));
  const names = await namesOf(
    conn,
    reqs.map((r) => r.requestedBy),
  );
  const unitNames = await unitNameMap(
    conn,
    reqs.map((r) => r.unitId).filter((x): x is number => x !== null),
  );
  const pending: PendingRequest[] = reqs.map((r) => ({
    id: r.id,
    kind: r.kind as PendingRequest['kind'],
    text: r.text,
    newDeadline: r.newDeadline,
    requestedByName: names.get(r.requestedBy) ?? r.requestedBy,
    unitName: r.unitId ? (unitNames.get(r.unitId) ?? null) : null,
    requestedAt: r.requestedAt,
  }));
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    description: row.description,
    source: row.source,
    category: row.category,
    timeliness: row.timeliness,
    state: row.state as ProblemState,
    deadline: row.deadline,
    leadUnit: lead ?? { id: row.leadUnitId, name: `单位#${row.leadUnitId}` },
    coUnits: co.map((c) => ({ id: c.id, name: c.name })),
    group,
    progressPct: row.progressPct,
    evidenceCount: ev?.n ?? 0,
    pending,
    overdueWorkdays: overdueWorkdays(row, clock),
    calendarConfirmed: clock.calendar.isConfirmed(row.deadline),
    underEvaluation: !!evaluated,
    ...(campaign ? { categories: categoriesOf(campaign) } : {}),
  };
}

export async function unitNameMap(conn: Conn, ids: number[]): Promise<Map<number, string>> {
  const uniq = [...new Set(ids)];
  if (!uniq.length) return new Map();
  const rows = await conn
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(inArray(units.id, uniq));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function loadHistory(conn: Conn, problemId: number): Promise<HistoryItem[]> {
  const rows = await conn
    .select()
    .from(problemEvents)
    .where(eq(problemEvents.problemId, problemId))
    .orderBy(asc(problemEvents.at), asc(problemEvents.id));
  const unitNames = await unitNameMap(
    conn,
    rows.map((r) => r.unitId).filter((x): x is number => x !== null),
  );
  return rows.map((r) => ({
    at: r.at,
    actorName: r.actorName,
    unitName: r.unitId ? (unitNames.get(r.unitId) ?? null) : null,
    kind: r.kind,
    text: r.text,
    data: (r.data as Record<string, unknown> | null) ?? null,
  }));
}

export async function loadEvidence(conn: Conn, problemId: number): Promise<EvidenceItem[]> {
  const rows = await conn
    .select()
    .from(evidence)
    .where(eq(evidence.problemId, problemId))
    .orderBy(desc(evidence.uploadedAt));
  const names = await namesOf(
    conn,
    rows.map((r) => r.uploadedBy),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    size: r.size,
    contentType: r.contentType,
    kind: r.kind,
    fileKey: r.fileKey,
    uploadedByName: names.get(r.uploadedBy) ?? r.uploadedBy,
    uploadedAt: r.uploadedAt,
  }));
}

/** The units a person is a contact of. */
export async function contactUnitIds(conn: Conn, openId: string): Promise<number[]> {
  const rows = await conn
    .select({ unitId: unitContacts.unitId })
    .from(unitContacts)
    .where(eq(unitContacts.openId, openId));
  return rows.map((r) => r.unitId);
}

/** The groups a person supervises (is a member of). */
export async function memberGroupIds(conn: Conn, openId: string): Promise<number[]> {
  const rows = await conn
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.openId, openId));
  return rows.map((r) => r.groupId);
}

/**
 * How a person relates to a problem. A supervisor sees the problems of their groups, and every
 * supervisor sees those outside any group; who decides a pending request is `decides`
 * (domain/deciders.ts), from `deciders` when the caller computed them for many people.
 */
export async function relationOf(
  conn: Conn,
  openId: string,
  roles: Set<Role>,
  p: { leadUnitId: number; id: number; groupId: number | null },
  o: { deciders?: Deciders; adminOpenIds?: readonly string[] } = {},
): Promise<Relation> {
  const mine = await contactUnitIds(conn, openId);
  const co = mine.length
    ? (
        await conn
          .select({ unitId: problemCoUnits.unitId })
          .from(problemCoUnits)
          .where(and(eq(problemCoUnits.problemId, p.id), inArray(problemCoUnits.unitId, mine)))
      ).length > 0
    : false;
  let supervisor = false;
  if (roles.has('supervisor')) {
    supervisor = p.groupId === null ? true : (await memberGroupIds(conn, openId)).includes(p.groupId);
  }
  // Without the configured admins at hand, the person's own admin role stands in for them:
  // enough to decide whether this person may decide.
  const deciders =
    o.deciders ??
    (await decidersOf(conn, p, [...(o.adminOpenIds ?? []), ...(roles.has('admin') ? [openId] : [])]));
  return {
    lead: mine.includes(p.leadUnitId),
    co,
    supervisor,
    staff: isStaff(roles),
    decides: decidedBy(deciders, openId),
  };
}

/** The supervision group following a unit in a campaign (groups are per campaign), if any. */
export async function groupOfUnit(conn: Conn, unitId: number, campaignId: number): Promise<number | null> {
  const [g] = await conn
    .select({ groupId: groupUnits.groupId })
    .from(groupUnits)
    .where(and(eq(groupUnits.unitId, unitId), eq(groupUnits.campaignId, campaignId)));
  return g?.groupId ?? null;
}
