import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousFeedback } from '../../db/schema/index.js';
import { FEEDBACK_PENDING_MAX } from '../../src/services/feedback/common.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The web form behind several instances (issue 9, items 7 and 12): a token from one instance is
 * taken by another and is single-use across them; the flood cap is shared and short; the queue
 * of unread submissions has a cap.
 */

let database: TestDatabase;
let a: Harness;
let b: Harness;
let now = new Date('2026-12-10T02:00:00Z');
beforeAll(async () => {
  database = await createTestDatabase();
  a = await startHarness({ clock: () => now, database });
  b = await startHarness({ clock: () => now, database, fake: a.fake });
});
afterAll(async () => {
  await b.service.stop();
  await a.stop();
});

const tokenFrom = async (h: Harness) =>
  /name="token" value="([^"]+)"/.exec(await (await fetch(`${h.url}/feedback`)).text())![1]!;
const submit = (h: Harness, token: string, text: string) =>
  fetch(`${h.url}/feedback`, {
    method: 'POST',
    body: new URLSearchParams({ action: 'submit', token, text }),
  });
const count = async () =>
  Number((await database.db.select({ n: sql<number>`count(*)` }).from(anonymousFeedback))[0]!.n);

describe('two instances, one database', () => {
  it('a token issued by one instance is taken by the other, once', async () => {
    const token = await tokenFrom(a);
    now = new Date(now.getTime() + 10_000);
    const first = await submit(b, token, '开发区路灯不亮');
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('回执码');
    const replay = await submit(a, token, '重放');
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('已提交过');
    expect(await count()).toBe(1);
  });

  it('the flood cap counts both instances together, and lifts within a minute', async () => {
    now = new Date(Math.ceil(now.getTime() / 60_000) * 60_000 + 60_000);
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => tokenFrom(i % 2 ? a : b)));
    now = new Date(now.getTime() + 5_000);
    const statuses: number[] = [];
    for (const [i, t] of tokens.entries()) statuses.push((await submit(i % 2 ? a : b, t, `反馈${i}`)).status);
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThanOrEqual(10);
    const page = await (await submit(a, await tokenFrom(a), '被挡住的真实反馈')).text();
    expect(page).toContain('被挡住的真实反馈'); // the text is kept for the retry
    now = new Date(now.getTime() + 61_000);
    const t = await tokenFrom(b);
    now = new Date(now.getTime() + 5_000);
    expect((await submit(b, t, '一分钟后再交')).status).toBe(200);
  });
});

describe('the queue of unread submissions', () => {
  it('is capped: past the cap a submission is refused with a clear reason, nothing stored', async () => {
    const have = await count();
    const missing =
      FEEDBACK_PENDING_MAX -
      (
        await database.db
          .select({ n: sql<number>`count(*)` })
          .from(anonymousFeedback)
          .where(sql`status = 'new'`)
      )[0]!.n;
    await database.db.insert(anonymousFeedback).values(
      Array.from({ length: Number(missing) }, (_, i) => ({
        receiptHash: `h${i}`,
        text: '填充',
        receivedOn: '2026-12-10',
      })),
    );
    now = new Date(now.getTime() + 120_000);
    const t = await tokenFrom(a);
    now = new Date(now.getTime() + 5_000);
    const r = await submit(a, t, '满了');
    expect(r.status).toBe(429);
    expect(await r.text()).toContain('待处理的反馈较多');
    expect(await count()).toBe(have + Number(missing));
  });
});
