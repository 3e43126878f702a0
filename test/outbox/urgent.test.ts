import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/index.js';
import { enqueue, enqueueUrgent } from '../../src/outbox/enqueue.js';
import type { Harness } from '../support/harness.js';
import { startHarness } from '../support/harness.js';
import { text } from '../support/outbox.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.fake.addUser({ open_id: 'ou_bob', name: '李四' });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.drain();
  h.fake.reset();
});

const db = () => h.database.db;
const rowOf = async (id: string) => (await db().select().from(outbox).where(eq(outbox.id, id)))[0]!;
const urgentRow = async (after: string) =>
  (await db().select().from(outbox).where(eq(outbox.kind, 'urgent_app'))).find((r) =>
    r.content.includes(after),
  )!;

/** A message to Bob and an in-app urgent on it, queued together as the reminders job does. */
async function messageWithUrgent(t: string): Promise<string> {
  const id = randomUUID();
  await db().transaction(async (tx) => {
    await enqueue(tx, [{ id, ...text(t), purpose: 'reminder', to: { type: 'open_id', id: 'ou_bob' } }]);
    await enqueueUrgent(tx, [{ after: id, mode: 'app', openId: 'ou_bob', purpose: 'reminder_urgent' }]);
  });
  return id;
}

describe('outbox urgents', () => {
  it('waits for its message to be sent, then urges that very message', async () => {
    const id = await messageWithUrgent('等待加急');
    h.fake.failNext(/^POST \/open-apis\/im\/v1\/messages$/, { status: 500, body: { code: 1, msg: 'busy' } });
    const t0 = new Date();
    await h.dispatch(t0);
    expect(h.fake.messages).toHaveLength(0);
    expect(h.fake.urgents).toHaveLength(0);
    expect((await urgentRow(id)).status).toBe('pending');
    await h.dispatch(new Date(t0.getTime() + 10_000));
    const sent = await rowOf(id);
    expect(sent.status).toBe('sent');
    expect(h.fake.urgents).toEqual([
      { messageId: sent.sentMessageId, userIds: ['ou_bob'], mode: 'app', at: expect.any(Number) },
    ]);
    expect((await urgentRow(id)).status).toBe('sent');
  });

  it('is dropped, never sent, when its message is refused for good', async () => {
    h.fake.rejectReceiver('ou_bob', 230053);
    const id = await messageWithUrgent('被屏蔽');
    await h.dispatch();
    expect((await rowOf(id)).status).toBe('failed');
    const u = await urgentRow(id);
    expect([u.status, u.lastError]).toEqual(['failed', '加急的消息未能送达']);
    expect(h.fake.requests.some((r) => r.path.includes('/urgent_'))).toBe(false);
  });
});
