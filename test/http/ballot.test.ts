import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { auditLog, ballotPool, evaluations, units, votingCodes } from '../../db/schema/index.js';
import type { TallyResult } from '../../src/domain/tally.js';
import { ask, P, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';
import { story } from '../support/story.js';

/** GET/POST /ballot: the web ballot with a one-time code, for voters outside the tenant. */

let h: Harness;
const now = new Date('2026-12-10T02:00:00Z');
let codes: string[] = [];
let unitIds: number[] = [];

async function open() {
  codes = [];
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  await ask(h, P.staff, '/单位 添加 市<b>测试</b>局');
  await ask(h, P.staff, '/评议对象 设置 市教育局,市人社局,市<b>测试</b>局');
  const rows = await h.database.db.select().from(units);
  unitIds = ['市教育局', '市人力资源和社会保障局', '市<b>测试</b>局'].map(
    (n) => rows.find((u) => u.name === n)!.id,
  );
}
const ballot = story({ open, close: () => h.stop() });

const get = async () => {
  const res = await fetch(`${h.url}/ballot`);
  return { status: res.status, text: await res.text(), headers: res.headers };
};
const post = async (fields: Record<string, string>) => {
  const res = await fetch(`${h.url}/ballot`, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: res.status, text: await res.text(), headers: res.headers };
};
const full = (code: string, choice = 'satisfied') => ({
  step: 'vote',
  code,
  ...Object.fromEntries(unitIds.map((id) => [`u_${id}`, choice])),
});

describe('/ballot', () => {
  ballot.step(
    'asks for a code; says so when no vote is open; plain HTML, no script, not cached',
    async () => {
      const r = await get();
      expect(r.status).toBe(200);
      expect(r.text).toContain('目前没有进行中的满意度测评');
      expect(r.text).toContain('name="code"');
      expect(r.text).toContain('width=device-width');
      expect(r.text).not.toContain('<script');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    },
  );

  ballot.step('staff get codes once a vote is open', async () => {
    await ask(h, P.staff, '/测评 开始');
    const r = await ask(h, P.staff, '/测评 投票码 群众 4');
    codes = r.text.match(/[A-Z2-9]{5}-[A-Z2-9]{5}/g) ?? [];
    expect(codes).toHaveLength(4);
    expect(r.text).toContain('群众代表，4 个');
    expect((await get()).text).not.toContain('目前没有进行中的满意度测评');
    expect((await ask(h, P.staff, '/测评 投票码 群众 0')).text).toContain('1 到 500');
    expect((await ask(h, P.sup, '/测评 投票码 群众 1')).text).toContain('仅限工作人员');
  });

  ballot.step('refuses an unknown code with the reason, changing nothing', async () => {
    const r = await post({ step: 'code', code: 'ZZZZZ-ZZZZZ' });
    expect(r.status).toBe(404);
    expect(r.text).toContain('投票码无效');
    expect((await post({ step: 'code', code: 'hello' })).status).toBe(404);
  });

  ballot.step(
    'shows the ballot for a valid code (case and dash do not matter), unit names escaped',
    async () => {
      const r = await post({ step: 'code', code: codes[0]!.toLowerCase().replace('-', '') });
      expect(r.status).toBe(200);
      expect(r.text).toContain('市教育局');
      expect(r.text).toContain('市&lt;b&gt;测试&lt;/b&gt;局');
      expect(r.text).not.toContain('<b>测试');
      for (const id of unitIds) expect(r.text).toContain(`name="u_${id}" value="dissatisfied" required`);
      expect(r.text).toContain('基本满意');
      expect(r.text).toContain('name="step" value="vote"');
    },
  );

  ballot.step(
    'an incomplete ballot is shown again with the choices kept; nothing counted, the code still good',
    async () => {
      const r = await post({ step: 'vote', code: codes[0]!, [`u_${unitIds[0]}`]: 'basic' });
      expect(r.status).toBe(400);
      expect(r.text).toContain('尚未选择');
      expect(r.text).toContain(`name="u_${unitIds[0]}" value="basic" required checked`);
      expect(await h.database.db.select().from(ballotPool)).toHaveLength(0);
      expect((await h.database.db.select().from(votingCodes)).some((c) => c.used)).toBe(false);
    },
  );

  ballot.step(
    'casts the ballot once: the pool holds the choices, the code is spent, the audit says 匿名投票码 voted',
    async () => {
      const r = await post(full(codes[0]!, 'basic'));
      expect(r.status).toBe(200);
      expect(r.text).toContain('投票成功');
      expect(r.text).not.toContain('基本满意');
      const pool = await h.database.db.select().from(ballotPool);
      expect(pool.map((p) => [p.category, p.choice])).toEqual(unitIds.map(() => ['群众代表', 'basic']));
      expect((await h.database.db.select().from(votingCodes)).filter((c) => c.used)).toHaveLength(1);
      const [a] = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'evaluation.voted'));
      expect(a).toMatchObject({ actorOpenId: null, actorName: '匿名投票码', after: { via: 'code' } });
      const again = await post(full(codes[0]!, 'dissatisfied'));
      expect(again.status).toBe(409);
      expect(again.text).toContain('该投票码已经使用过');
      expect((await post({ step: 'code', code: codes[0]! })).text).toContain('该投票码已经使用过');
      expect(await h.database.db.select().from(ballotPool)).toHaveLength(3);
    },
  );

  ballot.step('two racing submissions of one code count once', async () => {
    const [a, b] = await Promise.all([post(full(codes[3]!)), post(full(codes[3]!, 'dissatisfied'))]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(6);
  });

  ballot.step('refuses a choice that is not one of the three', async () => {
    const r = await post({ ...full(codes[1]!), [`u_${unitIds[1]}`]: 'excellent' });
    expect(r.status).toBe(400);
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(6);
  });

  ballot.step(
    'a ballot racing the close is either counted or refused, never half: voted ⇔ counted',
    async () => {
      const [vote] = await Promise.all([post(full(codes[1]!)), ask(h, P.staff, '/测评 结束')]);
      expect([200, 409]).toContain(vote.status);
      const [e] = await h.database.db.select().from(evaluations);
      const used = (await h.database.db.select().from(votingCodes)).filter((c) => c.used).length;
      expect((e!.results as TallyResult).voters).toBe(used);
      expect(used).toBe(vote.status === 200 ? 3 : 2);
      expect(await h.database.db.select().from(ballotPool)).toHaveLength(0);
    },
  );

  ballot.step('after the close, an unused code is refused: the vote is over', async () => {
    const r = await post(full(codes[2]!));
    expect(r.status).toBe(409);
    expect(r.text).toContain('已结束投票');
    expect((await post({ step: 'code', code: codes[2]! })).text).toContain('已结束投票');
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(0);
  });

  ballot.step('never logs a code', async () => {
    const logs = h.logText();
    for (const c of codes) {
      expect(logs).not.toContain(c);
      expect(logs).not.toContain(c.replace('-', ''));
    }
  });
});
