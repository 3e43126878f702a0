import { eq, sql } from 'drizzle-orm';
import { problemTasks } from '../../db/schema/index.js';
import type { Conn, Db } from '../db.js';
import { URGENT_KINDS, type UrgentTarget, urgentTarget } from './urgent.js';

/**
 * Feishu tasks (Tasks v2, LARK_TASKS=1). `task_create` carries the create body; the other kinds act
 * on the task that row created, named in content `{ after, body }`, and wait until it exists.
 */
export const TASK_FOLLOW_KINDS = new Set([
  'task_patch',
  'task_delete',
  'task_add_members',
  'task_remove_members',
]);
export type TaskKind =
  | 'task_create'
  | 'task_patch'
  | 'task_delete'
  | 'task_add_members'
  | 'task_remove_members';

export interface TaskRow {
  /** The row id; a task_create's is kept in problem_tasks for the rows that follow it. */
  id?: string;
  kind: TaskKind;
  problemId: number;
  /** Lark's request body (create: the task; patch: `{ task, update_fields }`; members: `{ members }`). */
  body: unknown;
  /** For every kind but task_create: the task_create row. */
  after?: string;
  purpose: string;
}

/**
 * Queues task calls. They share one rate key ('lark_task'), apart from any person's messages; a
 * follow-up is due just after the rows before it, so calls on one task reach Lark in order.
 */
export async function enqueueTasks(conn: Conn, rows: TaskRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r, i) => ({
    id: r.id ?? null,
    kind: r.kind,
    content: JSON.stringify(r.kind === 'task_create' ? r.body : { after: r.after, body: r.body }),
    purpose: r.purpose,
    problem_id: r.problemId,
    ord: i,
  }));
  await conn.execute(sql`insert into outbox (id, kind, rate_key, msg_type, content, purpose, problem_id, next_attempt_at)
      select coalesce(id, gen_random_uuid()), kind, 'lark_task', 'task', content, purpose, problem_id,
        now() + (ord || ' milliseconds')::interval
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id uuid, kind text, content text, purpose text,
        problem_id integer, ord integer)`);
}

/** The guid of the task a follow-up acts on, or why it must wait or settle (as for an urgent's message). */
export async function taskTarget(db: Db, content: string): Promise<UrgentTarget> {
  let after: unknown;
  try {
    after = (JSON.parse(content) as { after?: unknown }).after;
  } catch {
    after = undefined;
  }
  if (typeof after !== 'string') return { state: 'gone', reason: '任务操作未指明任务' };
  // The guid outlives the create row, which the retention job purges after a while.
  const [t] = await db
    .select({ guid: problemTasks.taskGuid })
    .from(problemTasks)
    .where(eq(problemTasks.createOutboxId, after));
  if (t?.guid) return { state: 'sent', messageId: t.guid };
  const r = await urgentTarget(db, content);
  return r.state === 'gone' ? { state: 'gone', reason: '飞书任务未能创建' } : r;
}

/** A task_create delivered: keep its guid where the problem's later task calls find it. */
export async function recordTaskGuid(db: Db, createRowId: string, guid: string): Promise<void> {
  await db.update(problemTasks).set({ taskGuid: guid }).where(eq(problemTasks.createOutboxId, createRowId));
}

/** What a row that acts on another row's result waits for (an urgent's message, a task call's task); null for the rest. */
export async function followTarget(
  db: Db,
  row: { kind: string; content: string },
): Promise<UrgentTarget | null> {
  if (URGENT_KINDS.has(row.kind)) return urgentTarget(db, row.content);
  if (TASK_FOLLOW_KINDS.has(row.kind)) return taskTarget(db, row.content);
  return null;
}
