import { eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { problemCoUnits, problems } from '../../db/schema/index.js';
import type { Conn } from '../db.js';
import { OPEN_STATES, type ProblemState, STATE_LABEL, STATES } from '../domain/problem.js';
import { isStaff, type Role } from './people/read.js';
import { contactUnitIds, memberGroupIds } from './problems/load.js';

/**
 * Which problems a list holds, as SQL: who may see which (/清单 lists what /查看 shows) and the
 * filters /清单, /导出 and the public page offer (a unit, a state, 逾期, 未销号).
 */

export type StateFilter = ProblemState | 'overdue' | 'open';
export const STATE_FILTER_LABEL: Record<string, string> = { ...STATE_LABEL, overdue: '逾期', open: '未销号' };

export function parseStateFilter(word: string): StateFilter | undefined {
  const w = word.trim().toLowerCase();
  if (w === '逾期' || w === 'overdue') return 'overdue';
  if (w === '未销号' || w === 'open') return 'open';
  return STATES.find((k) => k === w || STATE_LABEL[k] === word.trim());
}

/** Problems in a state; 逾期 is open and past its deadline on `today`. */
export function stateWhere(state: StateFilter, today: string): SQL[] {
  if (state === 'overdue') return [inArray(problems.state, OPEN_STATES), lt(problems.deadline, today)];
  if (state === 'open') return [inArray(problems.state, OPEN_STATES)];
  return [eq(problems.state, state)];
}

const coOf = (conn: Conn, unitIds: number[]) =>
  conn
    .select({ id: problemCoUnits.problemId })
    .from(problemCoUnits)
    .where(inArray(problemCoUnits.unitId, unitIds));

/** Problems a unit leads or cooperates on. */
export function unitWhere(conn: Conn, unitId: number): SQL | undefined {
  return or(eq(problems.leadUnitId, unitId), inArray(problems.id, coOf(conn, [unitId])));
}

/** The problems a person may list: staff all; supervisors their groups' and group-less ones; contacts their units'. */
export interface Scope {
  all: boolean;
  supervisor: boolean;
  groupIds: number[];
  unitIds: number[];
}

export async function scopeOf(conn: Conn, openId: string, roles: Set<Role>): Promise<Scope | null> {
  if (isStaff(roles)) return { all: true, supervisor: false, groupIds: [], unitIds: [] };
  const supervisor = roles.has('supervisor');
  const groupIds = supervisor ? await memberGroupIds(conn, openId) : [];
  const unitIds = await contactUnitIds(conn, openId);
  if (!supervisor && !unitIds.length) return null;
  return { all: false, supervisor, groupIds, unitIds };
}

/** The same rule as relationOf, as SQL: what /清单 lists, /查看 shows. */
export function scopeWhere(conn: Conn, s: Scope): SQL | undefined {
  if (s.all) return undefined;
  const parts: (SQL | undefined)[] = [];
  if (s.supervisor)
    parts.push(
      isNull(problems.groupId),
      s.groupIds.length ? inArray(problems.groupId, s.groupIds) : undefined,
    );
  if (s.unitIds.length)
    parts.push(inArray(problems.leadUnitId, s.unitIds), inArray(problems.id, coOf(conn, s.unitIds)));
  return or(...parts) ?? sql`false`;
}
