import * as lark from '@larksuiteoapi/node-sdk';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox, roles } from '../../db/schema/index.js';
import { openDatabase } from '../../src/entry/database.js';
import { createLarkClient, LarkMessenger } from '../../src/lark/messenger.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher, UUID_WINDOW_MS } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { RateLimiter } from '../../src/outbox/rate-limit.js';
import { onPostgres } from '../support/db.js';
import { ADMIN, type Harness, startHarness } from '../support/harness.js';
import { text } from '../support/outbox.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.fake.addUser({ open_id: 'ou_bob', name: '李四' });
  h.fake.addUser({ open_id: 'ou_staff', name: '王五' });
  await h.database.db.insert(roles).values({ openId: 'ou_staff', role: 'staff' });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.drain();
  h.fake.reset();
});

const db = () => h.database.db;
const rowsOf = (id: string) => db().select().from(outbox).where(eq(outbox.id, id));
const toBob = (t: string) => ({
  ...text(t),
  purpose: 'test',
  to: { type: 'open_id' as const, id: 'ou_bob' },
});

describe('outbox dispatcher', () => {
  it('retries a 429 after x-ogw-ratelimit-reset and sends exactly one message', async () => {
    const [id] = await enqueue(db(), [toBob('限流后重试')]);
    h.fake.failNext('/im/v1/messages', {
      status: 429,
      body: { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-reset': '2' },
    });
    const t0 = new Date();
    const first = await h.dispatch(t0);
    expect(first.retried).toBe(1);
    expect(h.fake.messages).toHaveLength(0);
    const [row] = await rowsOf(id!);
    expect(row!.status).toBe('pending');
    // Not due before the reset has passed…
    expect((await h.dispatch(new Date(t0.getTime() + 1000))).sent).toBe(0);
    // …then sent once.
    expect((await h.dispatch(new Date(t0.getTime() + 2500))).sent).toBe(1);
    expect(h.fake.sentTo('ou_bob').map((m) => (m.json as { text: string }).text)).toEqual(['限流后重试']);
    const [after] = await rowsOf(id!);
    expect(after).toMatchObject({ status: 'sent', attempts: 2 });
    expect(after!.sentMessageId).toMatch(/^om_/);
  });

  it('retries 5xx with backoff, with the same uuid each time', async () => {
    const [id] = await enqueue(db(), [toBob('服务端错误后重试')]);
    h.fake.failNext('/im/v1/messages', { status: 503, body: { code: 1, msg: 'unavailable' } }, 2);
    const t0 = Date.now();
    await h.dispatch(new Date(t0));
    await h.dispatch(new Date(t0 + 1500));
    await h.dispatch(new Date(t0 + 10_000));
    expect(h.fake.sentTo('ou_bob')).toHaveLength(1);
    const uuids = h.fake.requests
      .filter((r) => r.path.startsWith('/open-apis/im/v1/messages'))
      .map((r) => (r.body as { uuid: string }).uuid);
    expect(uuids).toEqual([id, id, id]);
  });

  it('gives up on a permanent refusal, stores the reason and tells staff', async () => {
    h.fake.addUser({ open_id: 'ou_gone', name: '赵六' });
    h.fake.rejectReceiver('ou_gone', 230029);
    const [id] = await enqueue(db(), [
      { ...text('离职人员'), purpose: 'assignment', to: { type: 'open_id', id: 'ou_gone' } },
    ]);
    const r = await h.dispatch();
    expect(r.failed).toBe(1);
    const [row] = await rowsOf(id!);
    expect(row).toMatchObject({ status: 'failed', errorCode: 230029, lastError: '用户已离职' });
    await h.dispatch();
    const notices = [...h.fake.sentTo('ou_staff'), ...h.fake.sentTo(ADMIN)].map(
      (m) => (m.json as { text: string }).text,
    );
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('消息未送达');
    expect(notices[0]).toContain('用户已离职');
    // No retry of a permanent failure.
    await h.dispatch(new Date(Date.now() + 3600_000));
    expect(h.fake.sentTo('ou_gone')).toHaveLength(0);
  });

  it('a claimed-but-unsent row (its instance stopped beating) is sent within seconds, once', async () => {
    const [id] = await enqueue(db(), [toBob('崩溃后补发')]);
    const crashed = new Dispatcher({
      db: db(),
      messenger: { deliver: () => new Promise(() => {}) },
      log: createLogger('silent'),
    });
    const claimed = await crashed.claim(new Date());
    expect(claimed.map((r) => r.id)).toContain(id);
    // Its heartbeat is fresh: the live instance leaves it alone.
    expect((await h.dispatch()).sent).toBe(0);
    // Stale after 3 s: sent, with the same uuid Lark dedups on.
    await new Promise((r) => setTimeout(r, 3300));
    expect((await h.dispatch()).sent).toBe(1);
    expect(h.fake.sentTo('ou_bob')).toHaveLength(1);
    expect(
      (h.fake.requests.find((r) => r.path.startsWith('/open-apis/im/v1/messages'))!.body as { uuid: string })
        .uuid,
    ).toBe(id);
  });

  it('a send Lark accepted but we never confirmed is deduplicated by the uuid on retry', async () => {
    const [id] = await enqueue(db(), [toBob('已送达但未确认')]);
    // Deliver once behind the dispatcher's back (as if the instance died right after Lark's 200).
    const client = createLarkClient({
      appId: h.fake.appId,
      appSecret: h.fake.appSecret,
      baseUrl: h.fake.url,
      cache: new lark.DefaultCache(),
    });
    const [row] = await rowsOf(id!);
    await new LarkMessenger(client).deliver({ ...row!, eraseReceiver: false });
    await h.dispatch();
    expect(h.fake.sentTo('ou_bob')).toHaveLength(1);
  });

  it('past the one-hour uuid window, re-sends under a new uuid instead of giving up', async () => {
    const [id] = await enqueue(db(), [toBob('超过一小时')]);
    h.fake.failNext('/im/v1/messages', { status: 500, body: { code: 1, msg: 'boom' } });
    const t0 = Date.now();
    await h.dispatch(new Date(t0));
    const r = await h.dispatch(new Date(t0 + UUID_WINDOW_MS + 60_000));
    expect(r.sent).toBe(1);
    const [row] = await rowsOf(id!);
    expect(row!.status).toBe('sent');
    expect(row!.sendUuid).not.toBe(id);
    expect(h.fake.sentTo('ou_bob').map((m) => m.uuid)).toEqual([row!.sendUuid]);
  });

  it('an expired card (older than 14 days) is given up on patch, not retried', async () => {
    const [sendId] = await enqueue(db(), [
      {
        msgType: 'interactive',
        content: { schema: '2.0', body: { elements: [] } },
        purpose: 'test',
        to: { type: 'open_id', id: 'ou_bob' },
      },
    ]);
    await h.dispatch();
    const [sent] = await rowsOf(sendId!);
    h.fake.expireMessage(sent!.sentMessageId!);
    const [patchId] = await enqueue(db(), [
      {
        msgType: 'interactive',
        content: { schema: '2.0', body: { elements: [] } },
        purpose: 'patch',
        patch: { messageId: sent!.sentMessageId! },
      },
    ]);
    const r = await h.dispatch();
    expect(r.givenUp).toBe(1);
    const [row] = await rowsOf(patchId!);
    expect(row!.status).toBe('given_up');
    await h.dispatch(new Date(Date.now() + 3600_000));
    expect(h.fake.patches).toHaveLength(0);
  });

  it('keeps to 5 messages per second to one receiver', async () => {
    const limiter = new RateLimiter();
    const d = new Dispatcher({
      db: db(),
      messenger: new LarkMessenger(
        createLarkClient({
          appId: h.fake.appId,
          appSecret: h.fake.appSecret,
          baseUrl: h.fake.url,
          cache: new lark.DefaultCache(),
        }),
      ),
      log: createLogger('silent'),
      limiter,
    });
    // A first send fetches the token; its latency would skew the arrival times.
    await enqueue(db(), [{ ...toBob('预热'), to: { type: 'open_id' as const, id: 'ou_warm' } }]);
    await d.runOnce();
    await new Promise((r) => setTimeout(r, 1100));
    await enqueue(
      db(),
      Array.from({ length: 12 }, (_, i) => toBob(`第${i + 1}条`)),
    );
    await d.runOnce();
    const times = h.fake.sentTo('ou_bob').map((m) => m.at);
    expect(times).toHaveLength(12);
    for (
      let i = 5;
      i < times.length;
      i++ // Timers jitter by a few ms; without pacing all 12 would arrive within ~50 ms.
    )
      expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(900);
    // In order.
    expect(h.fake.sentTo('ou_bob').map((m) => (m.json as { text: string }).text)).toEqual(
      Array.from({ length: 12 }, (_, i) => `第${i + 1}条`),
    );
  });
});

describe.runIf(onPostgres())('two instances on PostgreSQL', () => {
  it('never send the same row twice', async () => {
    const second = await openDatabase({ url: h.database.url!, max: 5 }, { migrate: false });
    try {
      const messenger = () =>
        new LarkMessenger(
          createLarkClient({
            appId: h.fake.appId,
            appSecret: h.fake.appSecret,
            baseUrl: h.fake.url,
            cache: new lark.DefaultCache(),
          }),
        );
      const fast = () => new RateLimiter({ perKeyPerSecond: 1000, perSecond: 1000, perMinute: 100_000 });
      const a = new Dispatcher({
        db: db(),
        messenger: messenger(),
        log: createLogger('silent'),
        limiter: fast(),
      });
      const b = new Dispatcher({
        db: second.db,
        messenger: messenger(),
        log: createLogger('silent'),
        limiter: fast(),
      });
      const n = 200;
      await enqueue(
        db(),
        Array.from({ length: n }, (_, i) => ({
          ...text(`并发${i}`),
          purpose: 'test',
          to: { type: 'open_id' as const, id: `ou_u${i % 20}` },
        })),
      );
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      expect(ra.sent + rb.sent).toBe(n);
      expect(ra.sent).toBeGreaterThan(0);
      expect(rb.sent).toBeGreaterThan(0);
      const sendRequests = h.fake.requests.filter(
        (r) => r.method === 'POST' && r.path.startsWith('/open-apis/im/v1/messages'),
      );
      expect(sendRequests).toHaveLength(n);
      expect(new Set(h.fake.messages.map((m) => (m.json as { text: string }).text)).size).toBe(n);
      const [{ c }] = (await db()
        .select({ c: sql<number>`count(*)::int` })
        .from(outbox)
        .where(eq(outbox.status, 'sent'))) as [{ c: number }];
      expect(c).toBeGreaterThanOrEqual(n);
    } finally {
      await second.close();
    }
  });
});
