import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFailures, outbox, roles } from '../../db/schema/index.js';
import { runJob } from '../../src/jobs/index.js';
import { UUID_WINDOW_MS } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { flushDeliveryFailures } from '../../src/services/delivery-failures.js';
import { ADMIN, type Harness, startHarness } from '../support/harness.js';
import { text } from '../support/outbox.js';
import { dispatcherFor } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.fake.addUser({ open_id: 'ou_staff', name: '王五' });
  await h.database.db.insert(roles).values({ openId: 'ou_staff', role: 'staff' });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.fake.reset();
  h.drain();
});

const db = () => h.database.db;
const to = (id: string, t: string) => ({ ...text(t), purpose: 'test', to: { type: 'open_id' as const, id } });
const rowOf = async (id: string) => (await db().select().from(outbox).where(eq(outbox.id, id)))[0]!;
const texts = (id: string) => h.fake.sentTo(id).map((m) => (m.json as { text: string }).text);
const MIN = 60_000;

describe('a six-hour Lark outage', () => {
  it('loses nothing: refused connections are re-sent under a new uuid, unmarked', async () => {
    const [id] = await enqueue(db(), [to('ou_a', '停机期间的通知')]);
    h.fake.failNext('/im/v1/messages', { status: 503, body: { code: 1, msg: 'unavailable' } }, 1000);
    const t0 = Date.now();
    for (let t = t0; t < t0 + 6 * 60 * MIN; t += 20 * MIN) await h.dispatch(new Date(t));
    expect(h.fake.messages).toHaveLength(0);
    const during = await rowOf(id!);
    expect(during.status).toBe('pending');
    expect(during.attemptLog.every((a) => a.kind === 'unreached')).toBe(true);
    h.fake.reset();
    await h.dispatch(new Date(t0 + 6 * 60 * MIN + 10 * MIN));
    expect(texts('ou_a')).toEqual(['停机期间的通知']);
    const row = await rowOf(id!);
    expect(row.status).toBe('sent');
    // Past the dedup window the uuid is new; nothing may have arrived, so no 重发 mark.
    expect(h.fake.messages[0]!.uuid).not.toBe(id);
    expect(row.resend).toBe(false);
  });

  it('marks a re-send 重发 when an earlier attempt may have reached Lark', async () => {
    const [id] = await enqueue(db(), [to('ou_b', '可能已送达')]);
    // The request gets to Lark but no answer comes back (a timeout after sending).
    h.fake.hangReceiver('ou_b', { times: 1 });
    const d = dispatcherFor(db(), h.fake, { sendTimeoutMs: 300 });
    const t0 = Date.now();
    expect((await d.runOnce(new Date(t0))).retried).toBe(1);
    expect((await rowOf(id!)).attemptLog.map((a) => a.kind)).toEqual(['maybe']);
    // Within the window: same uuid, no mark.
    h.fake.failNext('/im/v1/messages', { status: 503, body: { code: 1, msg: 'unavailable' } });
    await d.runOnce(new Date(t0 + 10 * MIN));
    expect(h.fake.requests.at(-1)!.body).toMatchObject({ uuid: id });
    await d.runOnce(new Date(t0 + UUID_WINDOW_MS + 5 * MIN));
    expect(texts('ou_b')).toEqual(['【重发】\n可能已送达']);
    expect((await rowOf(id!)).attemptLog.map((a) => a.kind)).toEqual(['maybe', 'unreached']);
  });
});

describe('failure notices', () => {
  it('reach staff as one digest per hour, not one message per failure', async () => {
    for (const u of ['ou_x1', 'ou_x2', 'ou_x3']) h.fake.rejectReceiver(u, 230029);
    await enqueue(db(), [to('ou_x1', '甲')]);
    await h.dispatch();
    await enqueue(db(), [to('ou_x2', '乙'), to('ou_x3', '丙')]);
    await h.dispatch();
    await h.dispatch();
    const notices = () => [...texts('ou_staff'), ...texts(ADMIN)];
    // The first failure is told at once (one message each to staff and admin)…
    expect(notices()).toHaveLength(2);
    const now = Date.now();
    expect(await flushDeliveryFailures(db(), [ADMIN], new Date(now + 30 * MIN))).toBe(0);
    // …the rest in the next hour's digest, from the housekeeping job.
    await runJob(h.service.deps, 'housekeeping', new Date(now + 61 * MIN));
    await h.dispatch();
    expect(notices()).toHaveLength(4);
    expect(texts('ou_staff')[1]).toContain('【消息未送达汇总】共2条');
    expect(texts('ou_staff')[1]).toContain('用户已离职');
    const left = await db().select().from(deliveryFailures);
    expect(left.every((f) => f.digestedAt)).toBe(true);
  });
});
