import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobs, outbox } from '../../db/schema/index.js';
import { createLogger } from '../../src/log.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { JobQueue } from '../../src/queue/queue.js';
import { type Harness, startHarness } from '../support/harness.js';
import { text } from '../support/outbox.js';
import { dispatcherFor, sleep, until } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.fake.reset();
});

const db = () => h.database.db;
const to = (id: string, t: string) => ({ ...text(t), purpose: 'test', to: { type: 'open_id' as const, id } });
const sendUuids = () =>
  h.fake.requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/open-apis/im/v1/messages'))
    .map((r) => (r.body as { uuid: string }).uuid);

describe('crash recovery', () => {
  it('rows of an instance whose heartbeat stopped mid-send are sent by another within 5 s, each once', async () => {
    // Lark gets the first message but its answer never comes back: the instance "dies" there.
    h.fake.hangReceiver('ou_r0', { accept: true, times: 1 });
    const ids = await enqueue(db(), [
      to('ou_r0', '第一条'),
      to('ou_r0', '第二条'),
      to('ou_r1', '另一人'),
      to('ou_r0', '第三条'),
    ]);
    // Its heartbeat stops after the claim (as after a SIGKILL).
    const dead = dispatcherFor(db(), h.fake, { heartbeatMs: 3600_000, sendTimeoutMs: 3600_000 });
    dead.runOnce().catch(() => {}); // ends, if ever, after the database closed
    await until(() => h.fake.messages.length >= 2, 3000);
    const died = Date.now();
    const survivor = dispatcherFor(db(), h.fake, { heartbeatMs: 100, staleMs: 1000 });
    await until(
      async () => {
        await survivor.runOnce();
        const rows = await db().select().from(outbox).where(inArray(outbox.id, ids));
        return rows.every((r) => r.status === 'sent');
      },
      5000,
      100,
    );
    expect(Date.now() - died).toBeLessThan(5000);
    const texts = (id: string) => h.fake.sentTo(id).map((m) => (m.json as { text: string }).text);
    expect(texts('ou_r0')).toEqual(['第一条', '第二条', '第三条']);
    expect(texts('ou_r1')).toEqual(['另一人']);
    // The lost first answer was re-sent under the same uuid, and Lark made it one message.
    expect(sendUuids().filter((u) => u === ids[0])).toHaveLength(2);
    expect(new Set(h.fake.messages.map((m) => m.uuid)).size).toBe(h.fake.messages.length);
  });

  it('stop() releases its claims, so another instance sends them at once', async () => {
    h.fake.hangReceiver('ou_s0', { times: 1 });
    const ids = await enqueue(db(), [to('ou_s0', '停机前'), to('ou_s0', '停机后')]);
    const stopping = dispatcherFor(db(), h.fake, { sendTimeoutMs: 3600_000 });
    stopping.runOnce().catch(() => {}); // ends, if ever, after the database closed
    await until(() => h.fake.requests.some((r) => (r.body as { uuid?: string })?.uuid === ids[0]), 3000);
    await stopping.stop(200);
    const claimed = await db().select().from(outbox).where(inArray(outbox.id, ids));
    expect(claimed.map((r) => r.claimedBy)).toEqual([null, null]);
    // Default staleness is 3 s: released rows do not wait for it.
    const t0 = Date.now();
    await dispatcherFor(db(), h.fake).runOnce();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(h.fake.sentTo('ou_s0').map((m) => (m.json as { text: string }).text)).toEqual([
      '停机前',
      '停机后',
    ]);
  });

  it('a job whose instance stopped beating is taken over within seconds', async () => {
    let ran = 0;
    const handlers = (hang: boolean) => ({
      slow: {
        async run() {
          ran++;
          if (hang) await new Promise(() => {});
        },
      },
    });
    const [row] = await db().insert(jobs).values({ kind: 'slow', payload: '{}' }).returning();
    const log = createLogger('silent');
    const dead = new JobQueue({ db: db(), log, handlers: handlers(true), heartbeatMs: 3600_000 });
    dead.runOnce().catch(() => {}); // ends, if ever, after the database closed
    await until(() => ran === 1, 3000);
    const t0 = Date.now();
    const survivor = new JobQueue({ db: db(), log, handlers: handlers(false), staleMs: 1000 });
    await until(
      async () => {
        await survivor.runOnce();
        const [j] = await db().select().from(jobs).where(eq(jobs.id, row!.id));
        return j!.status === 'done';
      },
      5000,
      100,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(ran).toBe(2);
  });
});

describe('one hung receiver', () => {
  const texts = (id: string) => h.fake.sentTo(id).map((m) => (m.json as { text: string }).text);
  it('does not hold up sends to others, nor its own lane past the send timeout', async () => {
    h.fake.hangReceiver('ou_slow', { times: 1 });
    const d = dispatcherFor(db(), h.fake, { sendTimeoutMs: 5000 });
    await enqueue(db(), [to('ou_slow', '卡住的一条'), to('ou_slow', '其后一条')]);
    const run = d.runOnce();
    await until(
      () => h.fake.requests.some((r) => (r.body as { receive_id?: string })?.receive_id === 'ou_slow'),
      3000,
    );
    // New work for others arrives while the send hangs.
    const t0 = Date.now();
    await enqueue(
      db(),
      Array.from({ length: 10 }, (_, i) => to(`ou_o${i % 5}`, `其他${i}`)),
    );
    d.kick();
    // Well before the hung send's timeout (5 s).
    await until(() => h.fake.messages.filter((m) => m.receiveId?.startsWith('ou_o')).length === 10, 4000);
    expect(Date.now() - t0).toBeLessThan(4000);
    await run;
    // The lane moved on past the hung row once the send timeout passed; the hung row follows.
    expect(texts('ou_slow')[0]).toBe('其后一条');
    await sleep(1100); // the hung row's backoff
    await d.runOnce();
    expect(h.fake.sentTo('ou_slow').map((m) => (m.json as { text: string }).text)).toEqual([
      '其后一条',
      '卡住的一条',
    ]);
  });
});
