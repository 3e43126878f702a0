import { forbidden } from '../domain/errors.js';
import type { Actor } from './context.js';
import { isStaff } from './people/read.js';

/**
 * The one place a verb checks who may act (step 2 of every verb, docs/architecture.md). Roles come
 * from the database on every event and click (`Actor`), never from a card's value. Checks that
 * depend on the problem (its unit's contacts, its group's members, the deciders) live in the verb,
 * after it loads and locks the row.
 */
type Who = Pick<Actor, 'roles'>;

/** Staff or admin; refuses with "只有工作人员可以{what}。". */
export function mustStaff(actor: Who, what: string): void {
  if (!isStaff(actor.roles)) throw forbidden(`只有工作人员可以${what}。`);
}

/** Staff, admin or a supervisor (a member of a 督导组); refuses with "{what} 仅限工作人员或督导组成员使用。". */
export function mustStaffOrSupervisor(actor: Who, what: string): void {
  if (!isStaff(actor.roles) && !actor.roles.has('supervisor'))
    throw forbidden(`${what} 仅限工作人员或督导组成员使用。`);
}

/** An administrator (ADMIN_OPEN_IDS or the admin role); refuses with "只有管理员可以{what}。". */
export function mustAdmin(actor: Who, what: string): void {
  if (!actor.roles.has('admin')) throw forbidden(`只有管理员可以${what}。`);
}
