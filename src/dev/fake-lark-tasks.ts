/** The fake's Tasks v2 endpoints: create, patch, delete, add and remove members (docs/lark.md). */
import { type Ctx, type FakeState, fail, ok, type Reply, rnd, str } from './fake-lark-core.js';
import { type FakeTask, type FakeTaskMember, LarkCodes } from './fake-lark-types.js';

/** Lark's limits on a task's text (Tasks v2 overview). */
const SUMMARY_MAX = 3000;
const DESCRIPTION_MAX = 3000;
const ROLES = new Set(['assignee', 'follower']);
const MEMBER_TYPES = new Set(['user', 'app']);
/** Epoch milliseconds as a string: 13 digits for any date this century. */
const MS_TIMESTAMP = /^\d{13}$/;

const bad = (msg: string): Reply => fail(LarkCodes.taskInvalid, msg);

function members(v: unknown): FakeTaskMember[] | string {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return 'members must be an array';
  const out: FakeTaskMember[] = [];
  for (const m of v as Record<string, unknown>[]) {
    const id = str(m?.id);
    const type = str(m?.type) ?? 'user';
    const role = str(m?.role);
    if (!id || !role || !ROLES.has(role) || !MEMBER_TYPES.has(type)) return 'invalid member';
    if (!out.some((x) => x.id === id && x.role === role)) out.push({ id, type, role });
  }
  return out;
}

/** Checks the fields a create or a patch sets; an error message or null. */
function checkFields(t: Record<string, unknown>): string | null {
  if ('summary' in t) {
    const s = str(t.summary);
    if (!s?.trim()) return 'summary is required';
    if ([...s].length > SUMMARY_MAX) return `summary exceeds ${SUMMARY_MAX} characters`;
  }
  if ('description' in t && [...(str(t.description) ?? '')].length > DESCRIPTION_MAX)
    return `description exceeds ${DESCRIPTION_MAX} characters`;
  if (t.due !== undefined && t.due !== null) {
    const ts = str((t.due as Record<string, unknown>).timestamp);
    if (!ts || !MS_TIMESTAMP.test(ts)) return 'due.timestamp must be a timestamp in milliseconds';
  }
  if (t.completed_at !== undefined && !/^\d+$/.test(str(t.completed_at) ?? ''))
    return 'completed_at must be a timestamp in milliseconds';
  return null;
}

const view = (t: FakeTask) => ({
  guid: t.guid,
  summary: t.summary,
  description: t.description,
  due: t.due,
  completed_at: t.completedAt,
  members: t.members,
  origin: t.origin,
});

export function createTask(s: FakeState, ctx: Ctx): Reply {
  if (!str(ctx.json.summary)) return bad('summary is required');
  const err = checkFields(ctx.json);
  if (err) return bad(err);
  const m = members(ctx.json.members);
  if (typeof m === 'string') return bad(m);
  // client_token makes create idempotent: the same token answers the task it made.
  const token = str(ctx.json.client_token);
  const same = token ? s.fake.tasks.find((t) => t.clientToken === token) : undefined;
  if (same) return ok({ task: view(same) });
  const task: FakeTask = {
    guid: `${rnd(4)}-${rnd(2)}-${rnd(2)}-${rnd(6)}`,
    summary: str(ctx.json.summary)!,
    description: str(ctx.json.description) ?? '',
    due: ctx.json.due as FakeTask['due'],
    completedAt: str(ctx.json.completed_at) ?? '0',
    members: m,
    origin: ctx.json.origin,
    clientToken: token,
    deleted: false,
  };
  s.fake.tasks.push(task);
  return ok({ task: view(task) });
}

const live = (s: FakeState, guid: string) => s.fake.tasks.find((t) => t.guid === guid && !t.deleted);

export function patchTask(s: FakeState, ctx: Ctx): Reply {
  const t = live(s, ctx.params[0] ?? '');
  if (!t) return fail(LarkCodes.taskNotFound, 'task not found', 404);
  const fields = Array.isArray(ctx.json.update_fields) ? (ctx.json.update_fields as unknown[]) : [];
  const body = (ctx.json.task ?? {}) as Record<string, unknown>;
  if (!fields.length) return bad('update_fields is required');
  const allowed = new Set(['summary', 'description', 'due', 'completed_at', 'start', 'extra']);
  if (fields.some((f) => typeof f !== 'string' || !allowed.has(f))) return bad('invalid update_fields');
  const set = Object.fromEntries(fields.map((f) => [f as string, body[f as string]]));
  const err = checkFields(set);
  if (err) return bad(err);
  if ('summary' in set) t.summary = str(set.summary)!;
  if ('description' in set) t.description = str(set.description) ?? '';
  if ('due' in set) t.due = (set.due ?? undefined) as FakeTask['due'];
  if ('completed_at' in set) t.completedAt = str(set.completed_at) ?? '0';
  return ok({ task: view(t) });
}

export function deleteTask(s: FakeState, ctx: Ctx): Reply {
  const t = live(s, ctx.params[0] ?? '');
  if (!t) return fail(LarkCodes.taskNotFound, 'task not found', 404);
  t.deleted = true;
  return ok({});
}

export function taskMembers(s: FakeState, ctx: Ctx): Reply {
  const t = live(s, ctx.params[0] ?? '');
  if (!t) return fail(LarkCodes.taskNotFound, 'task not found', 404);
  const m = members(ctx.json.members);
  if (typeof m === 'string' || m.length === 0) return bad(typeof m === 'string' ? m : 'members is required');
  if (ctx.params[1] === 'add') {
    for (const x of m) if (!t.members.some((y) => y.id === x.id && y.role === x.role)) t.members.push(x);
  } else {
    t.members = t.members.filter((y) => !m.some((x) => x.id === y.id && x.role === y.role));
  }
  return ok({ task: view(t) });
}
