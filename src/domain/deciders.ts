/**
 * Who decides a unit's request (docs/decisions/0009-separation-of-duties.md). One rule for the
 * decision verbs, the buttons on every copy of a card, the review cards and the reminders.
 */
export type RequestKind = 'closure' | 'extension' | 'dispute';

export const REQUEST_KINDS: readonly RequestKind[] = ['closure', 'extension', 'dispute'];

/** The people a problem's decisions could fall to, before anyone is excluded. */
export interface DeciderPool {
  /** Members of the problem's group who hold the supervisor role; null when it has no group. */
  groupSupervisors: readonly string[] | null;
  /** Staff and admins. */
  staff: readonly string[];
  admins: readonly string[];
  /** Every contact of the problem's lead unit. */
  leadContacts: readonly string[];
}

/**
 * Close-out and extensions go to the group's supervisors, 改派 and problems outside any group to
 * staff. The requester and every lead-unit contact are excluded; when that leaves no one, admins
 * decide, and the requester never does, even as the only admin.
 */
export function eligibleDeciders(kind: RequestKind, pool: DeciderPool, requestedBy: string | null): string[] {
  const excluded = new Set(pool.leadContacts);
  if (requestedBy) excluded.add(requestedBy);
  const base = kind === 'dispute' || pool.groupSupervisors === null ? pool.staff : pool.groupSupervisors;
  const eligible = [...new Set(base)].filter((id) => !excluded.has(id));
  if (eligible.length) return eligible;
  const admins = [...new Set(pool.admins)];
  const clean = admins.filter((id) => !excluded.has(id));
  return clean.length ? clean : admins.filter((id) => id !== requestedBy);
}

export function mayDecide(
  openId: string,
  kind: RequestKind,
  pool: DeciderPool,
  requestedBy: string | null,
): boolean {
  return eligibleDeciders(kind, pool, requestedBy).includes(openId);
}
