import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluations, units, votingCodes } from '../../db/schema/index.js';
import { ask, P, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/** Voting codes: long enough, keyed hashes, old codes honoured, guessing bounded (issue 9, item 12). */

let h: Harness;
let now = new Date('2026-12-10T02:00:00Z');
let codes: string[] = [];
let unitIds: number[] = [];

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  await ask(h, P.staff, '/评议对象 设置 市教育局,市民政局');
  unitIds = (await h.database.db.select().from(units))
    .filter((u) => ['市教育局', '市民政局'].includes(u.name))
    .map((u) => u.id);
  await ask(h, P.staff, '/测评 开始');
  const r = await ask(h, P.staff, '/测评 投票码 群众 3');
  codes = r.text.match(/[A-Z2-9]{5}-[A-Z2-9]{5}/g) ?? [];
});
afterAll(() => h.stop());

const post = async (fields: Record<string, string>) => {
  const res = await fetch(`${h.url}/ballot`, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: res.status, text: await res.text() };
};
const legacySha = (c: string) => createHash('sha256').update(`duban-ballot:${c}`).digest('hex');

describe('voting codes', () => {
  it('new codes have 10 characters and are stored as a keyed hash, not a plain sha256', async () => {
    expect(codes).toHaveLength(3);
    const stored = (await h.database.db.select().from(votingCodes)).map((c) => c.codeHash);
    for (const c of codes) {
      const n = c.replace('-', '');
      expect(stored).not.toContain(legacySha(n));
      expect(stored).not.toContain(createHash('sha256').update(n).digest('hex'));
    }
    const r = await post({ step: 'code', code: codes[0]! });
    expect(r.status).toBe(200);
    expect(r.text).toContain('name="step" value="vote"');
  });

  it('an 8-character code handed out before (stored as sha256) still works while its vote is open', async () => {
    const [e] = await h.database.db.select().from(evaluations);
    await h.database.db
      .insert(votingCodes)
      .values({ codeHash: legacySha('ABCDEFGH'), evaluationId: e!.id, category: '群众代表' });
    expect((await post({ step: 'code', code: 'abcd-efgh' })).status).toBe(200);
    const vote = await post({
      step: 'vote',
      code: 'ABCD-EFGH',
      ...Object.fromEntries(unitIds.map((id) => [`u_${id}`, 'satisfied'])),
    });
    expect(vote.status).toBe(200);
    expect(vote.text).toContain('投票成功');
  });

  it('guessing is bounded app-wide: after many wrong codes even a right one waits; later it works', async () => {
    let refused = 0;
    for (let i = 0; i < 120; i++) {
      const r = await post({
        step: 'code',
        code: `ZZZZZ-ZZZ${'ABCDEFGHJKMNPQRSTUVWXYZ23456789'[i % 31]}${i < 31 ? 'A' : 'B'}`,
      });
      if (r.status === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    const blocked = await post({ step: 'code', code: codes[1]! });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('尝试次数过多');
    now = new Date(now.getTime() + 20 * 60_000);
    expect((await post({ step: 'code', code: codes[1]! })).status).toBe(200);
  });
});
