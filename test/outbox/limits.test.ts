import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/index.js';
import { openDatabase } from '../../src/entry/database.js';
import { runJob } from '../../src/jobs/index.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { onPostgres } from '../support/db.js';
import { type Harness, startHarness } from '../support/harness.js';
import { text } from '../support/outbox.js';
import { dispatcherFor, until } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.fake.addUser({ open_id: 'ou_bob', name: '李四' });
});
afterAll(() => h.stop());

const db = () => h.database.db;

/** Sends in any window of windowMs beyond limit, from the fake's arrival times. */
function violations(times: number[], limit: number, windowMs = 1000): number {
  const t = [...times].sort((a, b) => a - b);
  let n = 0;
  for (let i = limit; i < t.length; i++) if (t[i]! - t[i - limit]! < windowMs) n++;
  return n;
}

describe('rate keys', () => {
  it('a reply in a p2p chat counts against the person, like a send to them', async () => {
    await h.say('ou_bob', '/帮助');
    await enqueue(db(), [{ ...text('通知'), purpose: 'test', to: { type: 'open_id', id: 'ou_bob' } }]);
    const rows = await db().select({ kind: outbox.kind, rateKey: outbox.rateKey }).from(outbox);
    expect(rows.filter((r) => r.kind === 'reply').map((r) => r.rateKey)).toEqual(['ou_bob']);
    expect(rows.filter((r) => r.kind === 'send').map((r) => r.rateKey)).toEqual(['ou_bob']);
  });
});

describe('retention', () => {
  it('drops attachment bytes once sent, never claims them, and purges settled rows after RETENTION_DAYS', async () => {
    const [fileId] = await enqueue(db(), [
      {
        msgType: 'file',
        content: {},
        purpose: 'export',
        file: { name: '台账.xlsx', bytes: new Uint8Array(2048) },
        to: { type: 'open_id', id: 'ou_bob' },
      },
    ]);
    const claimed = await dispatcherFor(db(), h.fake).claim(new Date());
    expect(claimed.find((r) => r.id === fileId)).not.toHaveProperty('attachment');
    await db().update(outbox).set({ claimedBy: null }).where(eq(outbox.claimedBy, claimed[0]!.claimedBy!));
    await h.dispatch();
    expect(h.fake.uploads).toHaveLength(1);
    const [sent] = await db().select().from(outbox).where(eq(outbox.id, fileId!));
    expect(sent).toMatchObject({ status: 'sent', attachment: null });
    // Still pending (not yet sent) rows are kept whatever their age.
    const [keepId] = await enqueue(db(), [
      { ...text('待发'), purpose: 'test', to: { type: 'open_id', id: 'ou_bob' } },
    ]);
    await runJob(
      { ...h.service.deps, kick: () => {} },
      'housekeeping',
      new Date(Date.now() + 31 * 86_400_000),
    );
    const left = await db().select({ id: outbox.id }).from(outbox);
    expect(left.map((r) => r.id)).not.toContain(fileId);
    expect(left.map((r) => r.id)).toContain(keepId);
  });
});

describe.runIf(onPostgres())('two instances on one PostgreSQL database', () => {
  it('together keep the per-receiver and per-app limits', async () => {
    const second = await openDatabase({ url: h.database.url!, max: 5 }, { migrate: false });
    try {
      const limits = { perKeyPerSecond: 3, perSecond: 8, perMinute: 10_000 };
      // The margin absorbs this loaded machine's latency jitter between booking and arrival.
      const a = dispatcherFor(db(), h.fake, { limits, rateMarginMs: 250 });
      const b = dispatcherFor(second.db, h.fake, { limits, rateMarginMs: 250 });
      // Tokens first, so the first send's latency does not skew arrival times.
      await enqueue(db(), [{ ...text('预热'), purpose: 'warm', to: { type: 'open_id', id: 'ou_w1' } }]);
      await enqueue(db(), [{ ...text('预热'), purpose: 'warm', to: { type: 'open_id', id: 'ou_w2' } }]);
      await a.runOnce();
      await b.runOnce();
      await new Promise((r) => setTimeout(r, 1200));
      h.fake.reset();
      const batch = (tag: string) => [
        ...Array.from({ length: 6 }, (_, i) => ({
          ...text(`群${tag}${i}`),
          purpose: 't',
          to: { type: 'chat_id' as const, id: 'oc_g' },
        })),
        ...Array.from({ length: 6 }, (_, i) => ({
          ...text(`人${tag}${i}`),
          purpose: 't',
          to: { type: 'open_id' as const, id: `ou_p${tag}${i}` },
        })),
      ];
      // Each instance claims its own batch; they send side by side.
      await enqueue(db(), batch('甲'));
      const runA = a.runOnce();
      await until(() => h.fake.messages.length > 0, 5000);
      await enqueue(db(), batch('乙'));
      const [ra, rb] = await Promise.all([runA, b.runOnce()]);
      expect(ra.sent + rb.sent).toBe(24);
      expect(ra.sent).toBeGreaterThan(0);
      expect(rb.sent).toBeGreaterThan(0);
      const all = h.fake.messages.map((m) => m.at);
      const chat = h.fake.sentTo('oc_g').map((m) => m.at);
      expect(chat).toHaveLength(12);
      expect(violations(chat, limits.perKeyPerSecond)).toBe(0);
      expect(violations(all, limits.perSecond)).toBe(0);
    } finally {
      await second.close();
    }
  });
});
