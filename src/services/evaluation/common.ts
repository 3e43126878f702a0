import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { campaigns, evaluatedUnits, evaluations, roles, units } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import type { Config } from '../../config.js';
import type { Conn, Tx } from '../../db.js';
import type { TallyResult } from '../../domain/tally.js';
import { wallClock } from '../../domain/wall-clock.js';
import type { ServiceCtx } from '../context.js';
import type { Role } from '../people/read.js';

export type EvaluationRow = typeof evaluations.$inferSelect;

/** Who acts on a vote: a person, or the closing job (openId null). */
export interface EvalActor {
  openId: string | null;
  name: string;
  roles?: Set<Role>;
}

export async function auditEval(
  tx: Tx,
  at: Date,
  actor: EvalActor,
  action: string,
  subject: { type?: string; id: string | number },
  o: { before?: unknown; after?: unknown } = {},
): Promise<void> {
  await appendAudit(tx, {
    at,
    actorOpenId: actor.openId,
    actorName: actor.name,
    action,
    subjectType: subject.type ?? 'evaluation',
    subjectId: String(subject.id),
    before: o.before ?? null,
    after: o.after ?? null,
  });
}

/** auditEval for a verb: the context's transaction, time and actor. */
export const auditBy = (
  ctx: Pick<ServiceCtx, 'tx' | 'now' | 'actor'>,
  action: string,
  subject: { type?: string; id: string | number },
  o: { before?: unknown; after?: unknown } = {},
): Promise<void> => auditEval(ctx.tx, ctx.now, ctx.actor, action, subject, o);

/**
 * Serializes opening a vote: at most one is open per campaign at a time (no partial unique index in
 * the schema). One lock for all campaigns: openings are rare, and it keeps the rule simple.
 */
export async function lockVotes(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(727101)`);
}

/** The campaign's open vote, if any (votes belong to one campaign; docs/domain.md §5). */
export async function openEvaluation(conn: Conn, campaignId: number): Promise<EvaluationRow | undefined> {
  const [row] = await conn
    .select()
    .from(evaluations)
    .where(and(eq(evaluations.status, 'open'), eq(evaluations.campaignId, campaignId)))
    .orderBy(desc(evaluations.id))
    .limit(1);
  return row;
}

/** Every open vote, of all campaigns: the voter roll is one for the deployment. */
export async function openEvaluations(conn: Conn): Promise<EvaluationRow[]> {
  return conn.select().from(evaluations).where(eq(evaluations.status, 'open')).orderBy(asc(evaluations.id));
}

/** The campaign's newest vote with results (closed or published). */
export async function latestClosed(conn: Conn, campaignId: number): Promise<EvaluationRow | undefined> {
  const [row] = await conn
    .select()
    .from(evaluations)
    .where(and(inArray(evaluations.status, ['closed', 'published']), eq(evaluations.campaignId, campaignId)))
    .orderBy(desc(evaluations.closedAt), desc(evaluations.id))
    .limit(1);
  return row;
}

export function resultsOf(e: EvaluationRow): TallyResult | null {
  return (e.results as TallyResult | null) ?? null;
}

/** A campaign's 评议对象; without `campaignId`, the units evaluated in any campaign. */
export async function evaluatedUnitRows(
  conn: Conn,
  campaignId?: number,
): Promise<{ id: number; name: string }[]> {
  const rows = await conn
    .selectDistinct({ id: units.id, name: units.name })
    .from(evaluatedUnits)
    .innerJoin(units, eq(units.id, evaluatedUnits.unitId))
    .where(campaignId === undefined ? undefined : eq(evaluatedUnits.campaignId, campaignId));
  // In Chinese collation (pinyin), the same on PGlite and PostgreSQL: the ballot's order.
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'zh'));
}

/** Names of the units under evaluation: digests and cards mark them (★ / 【评议对象】). */
export async function evaluatedUnitNames(conn: Conn, campaignId?: number): Promise<Set<string>> {
  return new Set((await evaluatedUnitRows(conn, campaignId)).map((u) => u.name));
}

/** The name of the campaign a vote belongs to: replies and cards name it. */
export async function campaignNameOf(conn: Conn, e: EvaluationRow): Promise<string> {
  const [c] = await conn
    .select({ name: campaigns.name })
    .from(campaigns)
    .where(eq(campaigns.id, e.campaignId));
  return c?.name ?? `议题#${e.campaignId}`;
}

/** The vote's units in the order they were chosen (the ballot's order). */
export async function unitsOfEvaluation(
  conn: Conn,
  e: EvaluationRow,
): Promise<{ id: number; name: string }[]> {
  if (!e.unitIds.length) return [];
  const rows = await conn
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(inArray(units.id, e.unitIds));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return e.unitIds.map((id) => byId.get(id) ?? { id, name: `单位#${id}` });
}

/** Staff, admins and supervisors: who receive the results card. */
export async function staffAndSupervisors(conn: Conn, config: Config): Promise<string[]> {
  const rows = await conn
    .select({ openId: roles.openId })
    .from(roles)
    .where(inArray(roles.role, ['staff', 'admin', 'supervisor']));
  return [...new Set([...rows.map((r) => r.openId), ...config.adminOpenIds])];
}

/** Card copies are kept true by one module for problems and evaluations alike. */
export { refreshCards } from '../../outbox/card-refresh.js';

/** "2026-11-27 17:00" (or a date alone: 23:59 that day) in APP_TIMEZONE → the instant. */
export function parseLocalDateTime(s: string, tz: string): Date | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT]+(\d{1,2}):(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi] = m[4] === undefined ? [23, 59] : [Number(m[4]), Number(m[5])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(guess);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  let t = guess - offsetMs(new Date(guess), tz);
  const again = guess - offsetMs(new Date(t), tz);
  if (again !== t) t = again;
  return new Date(t);
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(at: Date, tz: string): number {
  const w = wallClock(at, tz);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}
