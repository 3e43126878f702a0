import type * as lark from '@larksuiteoapi/node-sdk';

export type TaskResp =
  | { code?: number; msg?: string; data?: { task?: { guid?: string } } }
  | null
  | undefined;
type CreateData = NonNullable<Parameters<lark.Client['task']['v2']['task']['create']>[0]>['data'];

/**
 * One Tasks v2 call for an outbox row (docs/lark.md). A create carries the row id as client_token,
 * so a retry answers the task already made instead of making a second; the caller keeps its guid.
 * The other kinds get the guid as targetMessageId (resolved by the dispatcher), content `{ after, body }`.
 */
export async function deliverTask(
  client: lark.Client,
  m: { id: string; kind: string; content: string; targetMessageId: string | null },
): Promise<TaskResp> {
  const params = { user_id_type: 'open_id' as const };
  if (m.kind === 'task_create') {
    const data = { ...(JSON.parse(m.content) as CreateData), client_token: m.id };
    return await client.task.v2.task.create({ data, params });
  }
  const body = ((JSON.parse(m.content) as { body?: unknown }).body ?? {}) as never;
  const path = { task_guid: m.targetMessageId ?? '' };
  if (m.kind === 'task_patch') return await client.task.v2.task.patch({ path, data: body, params });
  if (m.kind === 'task_delete') return await client.task.v2.task.delete({ path });
  if (m.kind === 'task_add_members')
    return await client.task.v2.task.addMembers({ path, data: body, params });
  return await client.task.v2.task.removeMembers({ path, data: body, params });
}
