import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  campaigns,
  evidence,
  groupUnits,
  outbox,
  problemEvents,
  problemRequests,
  problems,
  supervisionGroups,
  units,
} from '../../db/schema/index.js';
import { acquireDataDirLock } from '../../src/entry/data-dir-lock.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let database: TestDatabase;
const now = new Date('2026-11-26T02:00:00Z');
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
const db = () => database.db;

const SEED = '2026年优化营商环境专项工作评议';
const DEPUTIES = '2027年代表建议办理';
const EVALUATED = { 市卫健局: 15, 市教育局: 11, 市人社局: 9, 市科经局: 7, 市民政局: 7, 市残联: 5 };

describe('the demo data set', () => {
  it('loads the seed campaign and the 代表建议 one once, however often it runs', async () => {
    const first = await loadDemo(db(), { now, timezone: 'Asia/Shanghai' });
    expect(first.problems).toEqual({ inserted: 201, existing: 0 });
    expect(first.migrated).toBe('adopted');
    const second = await loadDemo(db(), { now: new Date('2026-12-03T02:00:00Z'), timezone: 'Asia/Shanghai' });
    expect(second.problems).toEqual({ inserted: 0, existing: 201 });
    expect(second.unitsCreated).toBe(0);
    expect(second.campaigns).toEqual([
      { name: SEED, problems: 189 },
      { name: DEPUTIES, problems: 12 },
    ]);

    const [{ n }] = (await db().select({ n: sql<number>`count(*)::int` }).from(problems)) as [{ n: number }];
    expect(n).toBe(201);
    expect(second.byUnit).toMatchObject(EVALUATED);
    // Every other unit has fewer than 5; together they hold the remaining 135.
    const others = Object.entries(second.byUnit).filter(([u]) => !(u in EVALUATED));
    expect(others.every(([, c]) => c > 0 && c < 5)).toBe(true);
    expect(others.reduce((s, [, c]) => s + c, 0)).toBe(135);
    expect(await db().select().from(auditLog).where(eq(auditLog.action, 'demo.loaded'))).toHaveLength(1);
    expect(await db().select().from(outbox)).toHaveLength(0);
  });

  it('makes the seed campaign the default, in place of the empty one the migration made', async () => {
    const list = await db().select().from(campaigns).orderBy(campaigns.id);
    expect(list.map((c) => [c.name, c.kind, c.year, c.state, c.isDefault])).toEqual([
      [SEED, '专项评议', 2026, 'open', true],
      [DEPUTIES, '代表建议', 2027, 'open', false],
    ]);
    expect(list[0]!.categories).toEqual([
      '政务服务环境',
      '要素保障',
      '部门执法',
      '法治环境',
      '政策兑现',
      '作风建设',
    ]);
    expect(list[1]!.categories).toContain('城乡建设');
  });

  it('gives the 代表建议 campaign twelve problems raised by named deputies, coded DB-2027-…', async () => {
    const [c] = await db().select().from(campaigns).where(eq(campaigns.name, DEPUTIES));
    const mine = await db()
      .select()
      .from(problems)
      .where(eq(problems.campaignId, c!.id))
      .orderBy(problems.seq);
    expect(mine.map((p) => p.code)).toEqual(
      Array.from({ length: 12 }, (_, i) => `DB-2027-${String(i + 1).padStart(3, '0')}`),
    );
    expect(
      mine.every((p) => p.raiserKind === 'deputy' && /^\p{Script=Han}{2,4}代表$/u.test(p.raiserName!)),
    ).toBe(true);
    expect(mine.every((p) => p.source === '代表建议' && c!.categories.includes(p.category!))).toBe(true);
    expect(new Set(mine.map((p) => p.state)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(mine.map((p) => p.leadUnitId)).size).toBe(12);
    // Nobody else has a raiser; the seed's codes stay 2026's.
    const raised = await db().select().from(problems).where(sql`${problems.raiserName} is not null`);
    expect(raised).toHaveLength(12);
    for (const p of mine) {
      expect(p.assignedAt.getTime()).toBeLessThan(now.getTime());
      if (p.state === 'closed') expect(p.closedAt!.getTime()).toBeLessThan(now.getTime());
    }
  });

  it('spreads states, categories, timeliness and sources as a campaign a few months in', async () => {
    const [seed] = await db().select().from(campaigns).where(eq(campaigns.name, SEED));
    const all = await db().select().from(problems).where(eq(problems.campaignId, seed!.id));
    const by = (k: keyof (typeof all)[number]) => new Set(all.map((p) => p[k]));
    expect(by('state')).toEqual(
      new Set(['assigned', 'acknowledged', 'in_progress', 'closure_requested', 'closed']),
    );
    expect(by('category').size).toBe(6);
    expect(by('timeliness')).toEqual(new Set(['立行立改', '长期整改']));
    expect(by('source')).toEqual(new Set(['走访', '座谈会', '暗访', '线上匿名', '代表建议']));
    expect(new Set(all.map((p) => p.title)).size).toBe(189);
    expect(new Set(all.map((p) => p.code)).size).toBe(189);
    for (const p of all) {
      expect(p.code).toMatch(/^DB-2026-\d{3}$/);
      expect(p.assignedAt.getTime()).toBeLessThan(now.getTime());
      if (p.state === 'closed') expect(p.closedAt!.getTime()).toBeLessThan(now.getTime());
    }
    // 回头看 re-checks closed problems of 教育局 and 卫健局: several each.
    for (const name of ['市教育局', '市卫生健康局']) {
      const [u] = await db().select().from(units).where(eq(units.name, name));
      expect(all.filter((p) => p.leadUnitId === u!.id && p.state === 'closed').length).toBeGreaterThanOrEqual(
        5,
      );
    }
    // A close-out waits with its evidence and request; a closed one has both, decided.
    const waiting = all.find((p) => p.state === 'closure_requested')!;
    expect(await db().select().from(evidence).where(eq(evidence.problemId, waiting.id))).toHaveLength(1);
    const [req] = await db().select().from(problemRequests).where(eq(problemRequests.problemId, waiting.id));
    expect(req).toMatchObject({ kind: 'closure', status: 'pending' });
    const inProgress = all.find((p) => p.state === 'in_progress')!;
    const history = await db()
      .select()
      .from(problemEvents)
      .where(eq(problemEvents.problemId, inProgress.id))
      .orderBy(problemEvents.at);
    expect(history.map((e) => e.kind).slice(0, 3)).toEqual(['assigned', 'acknowledged', 'progress']);
  });

  it("records the seed's quantified outcomes as progress outcomes of the right units", async () => {
    const rows = await db()
      .select({ unit: units.name, outcome: sql<string>`${problemEvents.data}->>'outcome'` })
      .from(problemEvents)
      .innerJoin(problems, eq(problems.id, problemEvents.problemId))
      .innerJoin(units, eq(units.id, problems.leadUnitId))
      .where(sql`${problemEvents.kind} = 'progress' and ${problemEvents.data}->>'outcome' is not null`);
    const has = (unit: string, ...parts: string[]) =>
      expect(
        rows.some((r) => r.unit === unit && parts.every((p) => r.outcome.includes(p))),
        `${unit} ${parts}`,
      ).toBe(true);
    has('市残疾人联合会', '907');
    has('市科学技术和经济信息化局', '1537.5万元');
    has('市科学技术和经济信息化局', '2.3亿元', '12家企业');
    has('市教育局', '3155万元', '7所');
    has('市民政局', '215万元', '14家');
  });

  it('sets up six supervision groups: 1–5 follow the evaluated units (one follows two), 6 all the others', async () => {
    const groups = await db().select().from(supervisionGroups).orderBy(supervisionGroups.id);
    expect(groups.map((g) => g.name)).toEqual([
      '第一督导组',
      '第二督导组',
      '第三督导组',
      '第四督导组',
      '第五督导组',
      '第六督导组',
    ]);
    const sizes = [];
    for (const g of groups)
      sizes.push((await db().select().from(groupUnits).where(eq(groupUnits.groupId, g.id))).length);
    expect(sizes).toEqual([1, 1, 1, 1, 2, 40]);
    // The seed's problems belong to their lead unit's group; the 代表建议 to none (staff decide).
    const orphans = await db().select().from(problems).where(sql`${problems.groupId} is null`);
    expect(orphans).toHaveLength(12);
    expect(orphans.every((p) => p.code.startsWith('DB-2027-'))).toBe(true);
    expect(new Set(groups.map((g) => g.campaignId)).size).toBe(1);
  });
});

describe('npm run demo', () => {
  const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const env = (extra: Record<string, string>) => {
    const e = { ...process.env };
    for (const k of Object.keys(e)) if (k.startsWith('LARK_') || k === 'DATABASE_URL') delete e[k];
    return { ...e, ...extra };
  };
  const run = (extra: Record<string, string>, args: string[] = []) =>
    spawnSync(tsx, ['src/entry/demo.ts', ...args], { env: env(extra), encoding: 'utf8', timeout: 120_000 });

  it('loads into a PGlite data directory, refuses with LARK_APP_ID set, and never opens a held directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-demo-'));
    dirs.push(dir);
    const ok = run({ DATA_DIR: dir });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('问题 201 件');
    expect(ok.stdout).toContain(`「${SEED}」189 件，「${DEPUTIES}」12 件`);
    expect(ok.stdout).toContain('市卫健局 15，市教育局 11，市人社局 9，市科经局 7，市民政局 7，市残联 5');

    const lark = run({ DATA_DIR: dir, LARK_APP_ID: 'cli_a0b1c2d3e4f50003' });
    expect(lark.status).toBe(1);
    expect(lark.stderr).toContain('--force');

    const lock = acquireDataDirLock(dir);
    try {
      const held = run({ DATA_DIR: dir });
      expect(held.status).toBe(1);
      expect(held.stderr).toContain('请先停止服务');
    } finally {
      lock.release();
    }
  }, 180_000);
});
