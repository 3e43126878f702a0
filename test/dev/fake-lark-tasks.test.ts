/** The fake's Tasks v2 endpoints, driven by the real SDK: Lark's checks, and what it records. */
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLark, LarkCodes, startFakeLark } from '../support/fake-lark.js';

let fake: FakeLark;
let client: lark.Client;
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
beforeAll(async () => {
  fake = await startFakeLark();
  client = new lark.Client({
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: fake.url,
    loggerLevel: lark.LoggerLevel.error,
    logger: quiet,
    cache: new lark.DefaultCache(),
  });
});
afterAll(() => fake.close());

async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { response?: { data?: { code?: number } } }).response?.data?.code;
  }
  throw new Error('expected the call to fail');
}
const params = { user_id_type: 'open_id' as const };
const due = { timestamp: String(Date.parse('2026-12-31T00:00:00Z')), is_all_day: true };

describe('fake Tasks v2', () => {
  it('creates, patches, adds and removes members, and deletes a task', async () => {
    const r = await client.task.v2.task.create({
      data: {
        summary: '整改任务',
        due,
        members: [{ id: 'ou_a', type: 'user', role: 'assignee' }],
        client_token: 'tok-1',
      },
      params,
    });
    const guid = r.data!.task!.guid!;
    // The same client_token answers the same task.
    const again = await client.task.v2.task.create({
      data: { summary: '整改任务', client_token: 'tok-1' },
      params,
    });
    expect(again.data!.task!.guid).toBe(guid);
    expect(fake.tasks).toHaveLength(1);
    await client.task.v2.task.patch({
      path: { task_guid: guid },
      data: { task: { completed_at: '1767139200000' }, update_fields: ['completed_at'] },
      params,
    });
    await client.task.v2.task.addMembers({
      path: { task_guid: guid },
      data: { members: [{ id: 'ou_b', type: 'user', role: 'assignee' }] },
      params,
    });
    await client.task.v2.task.removeMembers({
      path: { task_guid: guid },
      data: { members: [{ id: 'ou_a', type: 'user', role: 'assignee' }] },
      params,
    });
    expect(fake.tasks[0]).toMatchObject({
      guid,
      due,
      completedAt: '1767139200000',
      members: [{ id: 'ou_b', type: 'user', role: 'assignee' }],
      deleted: false,
    });
    await client.task.v2.task.delete({ path: { task_guid: guid } });
    expect(fake.tasks[0]!.deleted).toBe(true);
    expect(await codeOf(client.task.v2.task.delete({ path: { task_guid: guid } }))).toBe(
      LarkCodes.taskNotFound,
    );
  });

  it.each([
    ['no summary', { summary: '' }],
    ['a summary over 3000 characters', { summary: '长'.repeat(3001) }],
    ['a due in seconds', { summary: 'x', due: { timestamp: '1767139200', is_all_day: true } }],
    ['a member without a role', { summary: 'x', members: [{ id: 'ou_a', type: 'user', role: '' }] }],
    [
      'a member of an unknown type',
      { summary: 'x', members: [{ id: 'ou_a', type: 'chat', role: 'assignee' }] },
    ],
  ])('refuses %s', async (_label, data) => {
    const before = fake.tasks.length;
    expect(await codeOf(client.task.v2.task.create({ data, params }))).toBe(LarkCodes.taskInvalid);
    expect(fake.tasks).toHaveLength(before);
  });

  it('refuses a patch of an unknown task or without update_fields', async () => {
    expect(
      await codeOf(
        client.task.v2.task.patch({
          path: { task_guid: 'no-such-task' },
          data: { task: { summary: 'x' }, update_fields: ['summary'] },
        }),
      ),
    ).toBe(LarkCodes.taskNotFound);
    const r = await client.task.v2.task.create({ data: { summary: '另一任务' }, params });
    expect(
      await codeOf(
        client.task.v2.task.patch({
          path: { task_guid: r.data!.task!.guid! },
          data: { task: {}, update_fields: [] },
        }),
      ),
    ).toBe(LarkCodes.taskInvalid);
  });
});
