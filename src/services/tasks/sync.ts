import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { problems, problemTasks, unitContacts, units } from '../../../db/schema/index.js';
import { OPEN_STATES } from '../../domain/problem.js';
import { enqueueTasks } from '../../outbox/tasks.js';
import type { ServiceCtx } from '../context.js';
import { assignees, createBody, taskFields } from './body.js';

/**
 * Feishu tasks for the lead unit's contacts (LARK_TASKS=1), written in the caller's transaction
 * like every outgoing call. The problem stays the record: a task follows it, never the reverse
 * (docs/decisions/0018-feishu-tasks.md).
 */
type Problem = Pick<
  typeof problems.$inferSelect,
  'id' | 'code' | 'title' | 'deadline' | 'state' | 'closedAt' | 'leadUnitId'
>;

async function contactsOf(ctx: ServiceCtx, unitId: number): Promise<string[]> {
  const rows = await ctx.tx
    .select({ openId: unitContacts.openId })
    .from(unitContacts)
    .where(eq(unitContacts.unitId, unitId))
    .orderBy(unitContacts.addedAt);
  return rows.map((r) => r.openId);
}

async function factsOf(ctx: ServiceCtx, p: Problem) {
  const [u] = await ctx.tx.select({ name: units.name }).from(units).where(eq(units.id, p.leadUnitId));
  return { ...p, leadUnit: u?.name ?? '' };
}

async function taskOf(ctx: ServiceCtx, problemId: number) {
  const [t] = await ctx.tx.select().from(problemTasks).where(eq(problemTasks.problemId, problemId));
  return t;
}

async function create(ctx: ServiceCtx, p: Problem): Promise<void> {
  const id = randomUUID();
  await ctx.tx.insert(problemTasks).values({ problemId: p.id, createOutboxId: id });
  const body = createBody(await factsOf(ctx, p), await contactsOf(ctx, p.leadUnitId), ctx.config);
  await enqueueTasks(ctx.tx, [{ id, kind: 'task_create', problemId: p.id, body, purpose: 'task' }]);
}

/** 交办: a task for the lead unit's contacts, with the code, the title and the due date. */
export async function taskOnAssign(ctx: ServiceCtx, p: Problem): Promise<void> {
  if (ctx.config.larkTasks) await create(ctx, p);
}

/**
 * A change to the problem (deadline, title, 销号, 重新整改): the task gets its fields as they are now.
 * An open problem assigned before LARK_TASKS was on gets its task here.
 */
export async function taskOnChange(ctx: ServiceCtx, p: Problem): Promise<void> {
  if (!ctx.config.larkTasks) return;
  const t = await taskOf(ctx, p.id);
  if (!t) {
    if ((OPEN_STATES as readonly string[]).includes(p.state)) await create(ctx, p);
    return;
  }
  const task = taskFields(await factsOf(ctx, p), ctx.config);
  await enqueueTasks(ctx.tx, [
    {
      kind: 'task_patch',
      problemId: p.id,
      after: t.createOutboxId,
      body: { task, update_fields: Object.keys(task) },
      purpose: 'task',
    },
  ]);
}

/** 撤销: the task goes. */
export async function taskOnWithdraw(ctx: ServiceCtx, problemId: number): Promise<void> {
  if (!ctx.config.larkTasks) return;
  const t = await taskOf(ctx, problemId);
  if (!t) return;
  await enqueueTasks(ctx.tx, [
    { kind: 'task_delete', problemId, after: t.createOutboxId, body: {}, purpose: 'task' },
  ]);
}

/** A contact added to or removed from a unit: the tasks of the open problems it leads follow. */
export async function taskOnContact(
  ctx: ServiceCtx,
  unitId: number,
  openId: string,
  change: 'add' | 'remove',
): Promise<void> {
  if (!ctx.config.larkTasks) return;
  const rows = await ctx.tx
    .select({ problemId: problemTasks.problemId, after: problemTasks.createOutboxId })
    .from(problemTasks)
    .innerJoin(problems, eq(problems.id, problemTasks.problemId))
    .where(and(eq(problems.leadUnitId, unitId), inArray(problems.state, OPEN_STATES)));
  await enqueueTasks(
    ctx.tx,
    rows.map((r) => ({
      kind: change === 'add' ? ('task_add_members' as const) : ('task_remove_members' as const),
      problemId: r.problemId,
      after: r.after,
      body: { members: assignees([openId]) },
      purpose: 'task',
    })),
  );
}

/** 改派: the old unit's contacts leave the task, the new unit's join, and the text names the new lead. */
export async function taskOnReassign(ctx: ServiceCtx, p: Problem, oldUnitId: number): Promise<void> {
  if (!ctx.config.larkTasks) return;
  const t = await taskOf(ctx, p.id);
  if (!t) return taskOnChange(ctx, p);
  const [gone, come] = [await contactsOf(ctx, oldUnitId), await contactsOf(ctx, p.leadUnitId)];
  const leave = gone.filter((x) => !come.includes(x));
  const base = { problemId: p.id, after: t.createOutboxId, purpose: 'task' };
  await enqueueTasks(ctx.tx, [
    ...(leave.length
      ? [{ ...base, kind: 'task_remove_members' as const, body: { members: assignees(leave) } }]
      : []),
    ...(come.length
      ? [{ ...base, kind: 'task_add_members' as const, body: { members: assignees(come) } }]
      : []),
  ]);
  await taskOnChange(ctx, p);
}
