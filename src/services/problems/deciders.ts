import { and, eq, inArray } from 'drizzle-orm';
import { groupMembers, problemRequests, roles, unitContacts } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { type DeciderPool, eligibleDeciders, type RequestKind } from '../../domain/deciders.js';

interface ProblemRef {
  id: number;
  leadUnitId: number;
  groupId: number | null;
}

/** One pending request and who may decide it. */
export interface PendingDecision {
  requestedBy: string;
  deciders: ReadonlySet<string>;
}

export type Deciders = ReadonlyMap<RequestKind, PendingDecision>;

/**
 * Everyone a problem's decisions could fall to, read from the database each time (never from a
 * card): supervisors of its group, staff and admins (with the configured admins), its lead
 * unit's contacts.
 */
export async function deciderPool(
  conn: Conn,
  p: Omit<ProblemRef, 'id'>,
  adminOpenIds: readonly string[],
): Promise<DeciderPool> {
  const roleRows = await conn.select({ openId: roles.openId, role: roles.role }).from(roles);
  const admins = [
    ...new Set([...roleRows.filter((r) => r.role === 'admin').map((r) => r.openId), ...adminOpenIds]),
  ];
  const staff = [...new Set([...roleRows.filter((r) => r.role === 'staff').map((r) => r.openId), ...admins])];
  const supervisors = new Set(roleRows.filter((r) => r.role === 'supervisor').map((r) => r.openId));
  const groupSupervisors =
    p.groupId === null
      ? null
      : (
          await conn
            .select({ openId: groupMembers.openId })
            .from(groupMembers)
            .where(eq(groupMembers.groupId, p.groupId))
        )
          .map((m) => m.openId)
          .filter((id) => supervisors.has(id));
  const leadContacts = (
    await conn
      .select({ openId: unitContacts.openId })
      .from(unitContacts)
      .where(eq(unitContacts.unitId, p.leadUnitId))
  ).map((c) => c.openId);
  return { groupSupervisors, staff, admins, leadContacts };
}

/** The problem's pending requests, each with its eligible deciders; empty (one query) when none wait. */
export async function decidersOf(
  conn: Conn,
  p: ProblemRef,
  adminOpenIds: readonly string[],
  kinds?: readonly RequestKind[],
): Promise<Deciders> {
  const pending = await conn
    .select({ kind: problemRequests.kind, requestedBy: problemRequests.requestedBy })
    .from(problemRequests)
    .where(
      and(
        eq(problemRequests.problemId, p.id),
        eq(problemRequests.status, 'pending'),
        kinds ? inArray(problemRequests.kind, [...kinds]) : undefined,
      ),
    );
  const out = new Map<RequestKind, PendingDecision>();
  if (!pending.length) return out;
  const pool = await deciderPool(conn, p, adminOpenIds);
  for (const r of pending) {
    const kind = r.kind as RequestKind;
    out.set(kind, {
      requestedBy: r.requestedBy,
      deciders: new Set(eligibleDeciders(kind, pool, r.requestedBy)),
    });
  }
  return out;
}

/** The kinds of pending request one person may decide. */
export function decidedBy(deciders: Deciders, openId: string): Set<RequestKind> {
  return new Set([...deciders].filter(([, d]) => d.deciders.has(openId)).map(([k]) => k));
}
