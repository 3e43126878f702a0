import type { AppDeps } from '../deps.js';
import { type Envelope, TASK_COMPLETED, TaskUpdated } from '../lark/payloads.js';
import { processOnce } from '../services/intake.js';
import { promptClosureRequest } from '../services/tasks/completed.js';

/** task.task.updated_v1: a contact completing a problem's task is asked to 申请销号; the problem stays as it is. */
export async function handleTaskEvent(
  deps: AppDeps,
  env: Envelope,
): Promise<{
  status: 200 | 400;
  body: object;
  action?: string;
  outcome?: string;
}> {
  const t = TaskUpdated.safeParse(env.event);
  if (!t.success) return { status: 400, body: { msg: 'bad task payload' }, outcome: 'refused:bad_task' };
  const r = await processOnce(deps.db, env.header.event_id, 'task', async (tx) =>
    t.data.obj_type === TASK_COMPLETED && deps.config.larkTasks
      ? promptClosureRequest(tx, t.data.task_id)
      : 'ignored',
  );
  if (!r.duplicate) deps.kick();
  return { status: 200, body: {}, action: r.duplicate ? 'duplicate' : `task:${r.value}` };
}
