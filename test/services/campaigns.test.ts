import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { campaigns, problems } from '../../db/schema/index.js';
import { ask, assignAs, codeIn, P, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';
import { ADMIN } from '../support/harness.js';

const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
const SEED = '2026年优化营商环境专项工作评议';

const campaignOf = async (h: Harness, code: string) => {
  const [r] = await h.database.db
    .select({ name: campaigns.name })
    .from(problems)
    .innerJoin(campaigns, eq(campaigns.id, problems.campaignId))
    .where(eq(problems.code, code));
  return r?.name;
};
const count = async (h: Harness) =>
  (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(problems))[0]!.n;

describe('/议题 with one default campaign', () => {
  let h: Harness;
  useCampaign({ clock: () => now, env: { DEFAULT_CAMPAIGN_NAME: SEED } }, (x) => {
    h = x;
  });

  it('names the migrated campaign from DEFAULT_CAMPAIGN_NAME; problems without a switch land in it, and the reply says so', async () => {
    const list = await ask(h, P.staff, '/议题 列表');
    expect(list.text).toContain(`${SEED}（专项评议，`);
    expect(list.text).toContain('【默认、当前】');
    const r = await assignAs(h, '默认议题中的问题 单位:市人社局 期限:2026-12-31');
    expect(r.reply.text).toContain(`议题：${SEED}`);
    expect(await campaignOf(h, r.code)).toBe(SEED);
  });

  it('新建 takes 类型, 年度 and 类别; the same name twice makes one; bad options are refused, changing nothing', async () => {
    const r = await ask(
      h,
      P.staff,
      '/议题 新建 2027年代表建议办理 类型:代表建议 年度:2027 类别:城建,教育，医疗',
    );
    expect(r.text).toContain(
      '已新建议题「2027年代表建议办理」（代表建议，2027年度），类别：城建、教育、医疗',
    );
    expect((await ask(h, P.staff, '/议题 新建 2027年代表建议办理')).text).toContain('已存在');
    const before = (await h.database.db.select().from(campaigns)).length;
    expect((await ask(h, P.staff, '/议题 新建 错误类型 类型:调研')).text).toContain(
      '类型须为：专项评议、代表建议、执法检查、其他',
    );
    expect((await ask(h, P.staff, '/议题 新建 错误年度 年度:27')).text).toContain('年度须为四位数字');
    expect((await ask(h, P.co, '/议题 新建 无权新建')).text).not.toContain('已新建');
    expect((await h.database.db.select().from(campaigns)).length).toBe(before);
  });

  it('切换 is per person: the switcher assigns into the new campaign, everyone else stays on the default', async () => {
    await ask(h, P.staff, '/议题 新建 执法检查甲 类型:执法检查');
    const typo = await ask(h, P.staff, '/议题 切换 执法检查乙');
    expect(typo.text).toContain('未找到议题「执法检查乙」');
    expect(typo.text).toContain('您是否要找：执法检查甲');
    expect(typo.text).toContain('/议题 列表');
    expect((await ask(h, P.staff, '/议题 切换 执法检查甲')).text).toContain('已切换到议题「执法检查甲」');
    const mine = await assignAs(h, '切换后的问题 单位:市人社局 期限:2026-12-31');
    expect(mine.reply.text).toContain('议题：执法检查甲');
    expect(await campaignOf(h, mine.code)).toBe('执法检查甲');
    const admins = await ask(h, ADMIN, '/交办 管理员的问题 单位:市人社局 期限:2026-12-31');
    expect(await campaignOf(h, codeIn(admins.text))).toBe(SEED);
    // Codes stay unique across campaigns: one series for the deployment.
    expect(codeIn(admins.text)).not.toBe(mine.code);
    await ask(h, P.staff, `/议题 切换 ${SEED}`);
  });

  it('归档 is refused while open problems remain, with what to do; once they are done it archives and new problems are refused', async () => {
    await ask(h, P.staff, '/议题 新建 待归档议题');
    await ask(h, P.staff, '/议题 切换 待归档议题');
    const r = await assignAs(h, '未办结的问题 单位:市人社局 期限:2026-12-31');
    const refused = await ask(h, P.staff, '/议题 归档 待归档议题');
    expect(refused.text).toContain('还有 1 件未办结的问题，不能归档');
    expect(refused.text).toContain('/清单 议题:待归档议题');
    await h.database.db.update(problems).set({ state: 'withdrawn' }).where(eq(problems.code, r.code));
    expect((await ask(h, P.staff, '/议题 归档 待归档议题')).text).toContain('已归档议题「待归档议题」');
    const before = await count(h);
    const late = await ask(h, P.staff, '/交办 归档后的问题 单位:市人社局 期限:2026-12-31');
    expect(late.text).toContain('议题「待归档议题」已归档，不能再新增问题');
    expect(await count(h)).toBe(before);
    expect((await ask(h, P.staff, '/议题 列表')).text).toContain('待归档议题（专项评议，2026年度，已归档）');
    await ask(h, P.staff, `/议题 切换 ${SEED}`);
  });

  it('the default campaign cannot be archived', async () => {
    expect((await ask(h, P.staff, `/议题 归档 ${SEED}`)).text).toContain('是默认议题，不能归档');
  });
});

describe('/议题 默认', () => {
  let h: Harness;
  useCampaign({ clock: () => now }, (x) => {
    h = x;
  });

  it('only an admin sets the default; it moves everyone who has not switched, and an archived campaign cannot be it', async () => {
    await ask(h, P.staff, '/议题 新建 新的默认议题');
    expect((await ask(h, P.staff, '/议题 默认 新的默认议题')).text).toContain('只有管理员可以设置默认议题');
    expect((await ask(h, ADMIN, '/议题 默认 新的默认议题')).text).toContain(
      '已将「新的默认议题」设为默认议题',
    );
    const r = await assignAs(h, '新默认下的问题 单位:市人社局 期限:2026-12-31');
    expect(await campaignOf(h, r.code)).toBe('新的默认议题');
    const defaults = await h.database.db.select().from(campaigns).where(eq(campaigns.isDefault, true));
    expect(defaults.map((c) => c.name)).toEqual(['新的默认议题']);
    await ask(h, P.staff, '/议题 新建 已归档的议题');
    await ask(h, P.staff, '/议题 归档 已归档的议题');
    expect((await ask(h, ADMIN, '/议题 默认 已归档的议题')).text).toContain('已归档，不能设为默认议题');
  });
});

describe('the campaigns migration', () => {
  it('moves the problems of a database made by the earlier schema into one default campaign', async () => {
    const dir = join(import.meta.dirname, '../../db/migrations');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const run = async (pg: PGlite, file: string) => {
      for (const stmt of readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint'))
        if (stmt.trim()) await pg.exec(stmt);
    };
    const pg = new PGlite();
    try {
      const last = files.indexOf('0005_campaigns.sql');
      for (const f of files.slice(0, last)) await run(pg, f);
      await pg.exec(`insert into units (name) values ('市人社局');
        insert into problems (code, year, seq, title, lead_unit_id, deadline)
        values ('DB-2025-001', 2025, 1, '旧问题一', 1, '2025-12-31'), ('DB-2025-002', 2025, 2, '旧问题二', 1, '2026-03-31');`);
      await run(pg, files[last]!);
      const c = await pg.query<{ id: number; name: string; year: number; is_default: boolean }>(
        'select id, name, year, is_default from campaigns',
      );
      expect(c.rows).toEqual([{ id: c.rows[0]!.id, name: '默认议题', year: 2025, is_default: true }]);
      const p = await pg.query<{ code: string; campaign_id: number }>(
        'select code, campaign_id from problems order by code',
      );
      expect(p.rows.map((r) => r.campaign_id)).toEqual([c.rows[0]!.id, c.rows[0]!.id]);
    } finally {
      await pg.close();
    }
  });
});
