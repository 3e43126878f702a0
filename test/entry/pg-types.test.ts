import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db.js';
import { pgOptions } from '../../src/entry/pg-types.js';
import { ask, assignAs, P, setupCampaign } from '../support/campaign.js';
import { createTestDatabase, onPostgres } from '../support/db.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The Worker's database client (src/entry/worker.ts) runs with postgres.js's fetch_types off. Here the
 * same client options drive the service on Node, so array results (roles by array_agg, text[] aliases,
 * int4[]) must read as arrays without the server's type catalogue. PGlite parses arrays itself.
 */
describe.skipIf(!onPostgres())('the shared postgres.js options (fetch_types off, as on Workers)', () => {
  let h: Harness;
  let sql: postgres.Sql;
  beforeAll(async () => {
    const base = await createTestDatabase();
    sql = postgres(base.url!, { ...pgOptions, max: 2 });
    const db = drizzle(sql, { casing: 'snake_case' }) as unknown as Db;
    h = await startHarness({
      database: {
        db,
        kind: 'postgres',
        url: base.url,
        async close() {
          await sql.end({ timeout: 5 });
          await base.close();
        },
      },
    });
    await setupCampaign(h);
  });
  afterAll(() => h.stop());

  it('lets staff granted with /角色 assign (roles read by array_agg)', async () => {
    const { reply } = await assignAs(h, '窗口排队时间过长 单位:市人社局 期限:2026-12-31');
    expect(reply.text).toContain('已交办');
    expect(reply.text).not.toContain('仅限工作人员使用');
  });

  it('finds a unit by an alias (text[] column) and reads arrays in raw queries', async () => {
    const added = await ask(h, P.staff, '/单位 添加 市卫生健康委员会 简称:市卫健委 别名:卫健委,"卫生局"');
    expect(added.text).toMatch(/已添加/);
    const { reply } = await assignAs(h, '医保报销慢 单位:卫健委 期限:2026-12-31');
    expect(reply.text).toContain('市卫生健康委员会');
    const [row] = await sql<{ aliases: unknown; ints: unknown; nulls: unknown; nested: unknown }[]>`
      select (select aliases from units where short_name = '市卫健委') as aliases,
             array[1, 2, 30]::int4[] as ints,
             array['a,b', null, 'q"uote', 'back\\slash', '']::text[] as nulls,
             array[array[1,2],array[3,4]]::int4[] as nested`;
    expect(row!.aliases).toEqual(['卫健委', '"卫生局"']);
    expect(row!.ints).toEqual([1, 2, 30]);
    expect(row!.nulls).toEqual(['a,b', null, 'q"uote', 'back\\slash', '']);
    expect(row!.nested).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
