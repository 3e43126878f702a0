import { and, eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  campaigns,
  evaluatedUnits,
  evaluations,
  groupUnits,
  problems,
  reinspectionItems,
  supervisionGroups,
  units,
} from '../../db/schema/index.js';
import { ask, cardOf, codeIn, EMAIL, P, read, setupCampaign } from '../support/campaign.js';
import { ADMIN, type Harness, startHarness } from '../support/harness.js';
import { story } from '../support/story.js';

/**
 * Two campaigns side by side: each has its own supervision groups, 评议对象, vote and 回头看, and
 * nothing of one shows in the other.
 */

let h: Harness;
const now = new Date('2026-12-10T02:00:00Z'); // Thursday 10:00 Asia/Shanghai
const A = '2026年优化营商环境专项工作评议';
const B = '2027年代表建议办理';
const SUP_A = 'ou_sup_a';
const V = ['ou_v1', 'ou_v2'];
const codes: Record<string, string[]> = {};

const idOf = async (name: string) =>
  (await h.database.db.select().from(campaigns).where(eq(campaigns.name, name)))[0]!.id;
const problem = async (code: string) =>
  (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;
const count = async (t: typeof supervisionGroups | typeof evaluations | typeof evaluatedUnits) =>
  (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(t))[0]!.n;

async function assignIn(who: string, key: string, unit: string) {
  const r = await ask(
    h,
    who,
    `/交办 ${key}问题${(codes[key]?.length ?? 0) + 1} 单位:${unit} 期限:2026-12-31`,
  );
  const c = codeIn(r.text);
  if (!c) throw new Error(r.text);
  codes[key] = [...(codes[key] ?? []), c];
}

async function open() {
  for (const k of Object.keys(codes)) delete codes[k];
  h = await startHarness({ clock: () => now, env: { DEFAULT_CAMPAIGN_NAME: A } });
  await setupCampaign(h);
  h.fake.addUser({ open_id: SUP_A, name: '钱督', email: EMAIL(SUP_A) });
  V.forEach((id, i) => {
    h.fake.addUser({ open_id: id, name: `委员${i + 1}`, email: EMAIL(id) });
  });
  // A (the default; ADMIN stays in it): 市人社局 3, 市教育局 1 (closed).
  for (let i = 0; i < 3; i++) await assignIn(ADMIN, 'A人社', '市人社局');
  await assignIn(ADMIN, 'A教育', '市教育局');
  // B (staff switch to it): 市教育局 2 (one closed), 市民政局 1.
  await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027`);
  await ask(h, P.staff, `/议题 切换 ${B}`);
  await assignIn(P.staff, 'B教育', '市教育局');
  await assignIn(P.staff, 'B教育', '市教育局');
  await assignIn(P.staff, 'B民政', '市民政局');
  for (const c of [codes.A教育![0]!, codes.B教育![0]!])
    await h.database.db.update(problems).set({ state: 'closed', closedAt: now }).where(eq(problems.code, c));
  await h.dispatch();
  h.drain();
}
const world = story({
  open,
  close: () => h.stop(),
  beforeStep: async () => {
    await h.dispatch();
  },
});

describe('supervision groups per campaign', () => {
  world.step(
    'the same group name in both campaigns; a unit in a group in each; its problems follow the group of their own campaign',
    async () => {
      expect((await ask(h, P.staff, '/督导组 添加 第一督导组')).text).toContain(
        `已添加督导组「第一督导组」（议题：${B}）`,
      );
      expect((await ask(h, P.staff, `/督导组 添加 第一督导组 议题:${A}`)).text).toContain(
        `已添加督导组「第一督导组」（议题：${A}）`,
      );
      expect((await ask(h, P.staff, '/督导组 添加 第一督导组')).text).toContain('已存在');
      const [idA, idB] = [await idOf(A), await idOf(B)];
      const groups = await h.database.db.select().from(supervisionGroups);
      expect(groups.map((g) => g.name)).toEqual(['第一督导组', '第一督导组']);
      const gB = groups.find((g) => g.campaignId === idB)!;
      const gA = groups.find((g) => g.campaignId === idA)!;
      expect(gA && gB).toBeTruthy();

      await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(P.sup)}`);
      await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(SUP_A)} 议题:${A}`);
      const b = await ask(h, P.staff, '/督导组 单位 第一督导组 市教育局');
      expect(b.text).toContain(`（议题：${B}）`);
      expect(b.text).toContain('其未办结的 1 件问题改由第一督导组审核');
      // B's open 市教育局 problem follows B's group; A's problems are untouched.
      expect((await problem(codes.B教育![1]!)).groupId).toBe(gB.id);
      expect((await problem(codes.A教育![0]!)).groupId).toBeNull();
      await ask(h, P.staff, `/督导组 单位 第一督导组 市教育局 议题:${A}`);
      const links = await h.database.db.select().from(groupUnits);
      expect(links.map((l) => [l.campaignId, l.groupId]).sort()).toEqual(
        [
          [gA.campaignId, gA.id],
          [gB.campaignId, gB.id],
        ].sort(),
      );
      // Still B's group for B's problem; a new 市教育局 problem in A gets A's group.
      expect((await problem(codes.B教育![1]!)).groupId).toBe(gB.id);
      await assignIn(ADMIN, 'A教育', '市教育局');
      expect((await problem(codes.A教育![1]!)).groupId).toBe(gA.id);

      const listB = await ask(h, P.staff, '/督导组 列表');
      expect(listB.text).toContain(`议题：${B}`);
      expect(listB.text).toContain('1. 第一督导组　负责单位：市教育局　成员：李强');
      const listA = await ask(h, P.staff, `/督导组 列表 议题:${A}`);
      expect(listA.text).toContain(`议题：${A}`);
      expect(listA.text).toContain('1. 第一督导组　负责单位：市教育局　成员：钱督');
    },
  );
});

describe('评议对象, vote and 回头看 per campaign', () => {
  world.step("前N in B ranks B's problems only; A keeps its own", async () => {
    const b = await ask(h, P.staff, '/评议对象 前2');
    expect(b.text).toContain(`议题：${B}`);
    expect(b.text).toContain('★第 1 名 市教育局（牵头 2 件');
    expect(b.text).toContain('★第 2 名 市民政局（牵头 1 件');
    expect(b.text).not.toContain('市人力资源和社会保障局');
    const a = await ask(h, P.staff, `/评议对象 前1 议题:${A}`);
    expect(a.text).toContain('★第 1 名 市人力资源和社会保障局（牵头 3 件');
    const rows = await h.database.db
      .select({ c: evaluatedUnits.campaignId, name: units.name })
      .from(evaluatedUnits)
      .innerJoin(units, eq(units.id, evaluatedUnits.unitId));
    const [idA, idB] = [await idOf(A), await idOf(B)];
    expect(rows.filter((r) => r.c === idB).map((r) => r.name)).toEqual(
      expect.arrayContaining(['市教育局', '市民政局']),
    );
    expect(rows.filter((r) => r.c === idB)).toHaveLength(2);
    expect(rows.filter((r) => r.c === idA).map((r) => r.name)).toEqual(['市人力资源和社会保障局']);
    const l = await ask(h, P.staff, '/评议对象 列表');
    expect(l.text).toContain(`议题：${B}`);
    expect(l.text).toContain('★市教育局　牵头问题 2 件（排名第 1）　督导组：第一督导组');
  });

  world.step(
    "a vote opened in B has B's units; one open vote per campaign, A's may run beside it",
    async () => {
      await ask(h, P.staff, `/测评 名单 添加 常委会委员 ${EMAIL(V[0]!)},${EMAIL(V[1]!)}`);
      const r = await ask(h, P.staff, '/测评 开始');
      expect(r.text).toContain(`议题：${B}`);
      expect(r.text).toContain('评议对象 2 个：市教育局、市民政局');
      expect((await ask(h, P.staff, '/测评 开始')).text).toContain(`议题「${B}」的满意度测评`);
      expect((await ask(h, P.staff, '/评议对象 设置 市人社局')).text).toContain('结束后才能修改评议对象');
      const a = await ask(h, P.staff, `/测评 开始 截止:2026-12-11 17:00 议题:${A}`);
      expect(a.text).toContain('评议对象 1 个：市人力资源和社会保障局');
      const rows = await h.database.db.select().from(evaluations).orderBy(evaluations.id);
      expect(rows.map((e) => [e.campaignId, e.status])).toEqual([
        [await idOf(B), 'open'],
        [await idOf(A), 'open'],
      ]);
      await h.dispatch();
      // Each voter holds one ballot per vote, each naming its campaign.
      const ballots = h.fake.sentTo(V[0]!).map(read);
      expect(ballots.filter((m) => m.text.includes(`议题：${B}`))).toHaveLength(1);
      expect(ballots.filter((m) => m.text.includes(`议题：${A}`))).toHaveLength(1);
    },
  );

  world.step(
    "B's ballots count in B even after staff switch to A; B closes alone; its results and 回头看 never include A's problems",
    async () => {
      await ask(h, P.staff, `/议题 切换 ${A}`);
      for (const v of V) {
        const card = cardOf(h, v, `议题：${B}`);
        const submit = card.buttons.find((x) => x.formFields)!;
        const [fEdu, fCiv] = submit.formFields!;
        expect(fEdu!.label).toContain('市教育局');
        const res = await h.click(v, {
          messageId: card.messageId,
          value: submit.value,
          formValue: { [fEdu!.name]: 'dissatisfied', [fCiv!.name]: 'satisfied' },
        });
        expect(res.body.toast?.type).toBe('success');
      }
      // Staff's current campaign is A now: 结束 without 议题: would close A's vote.
      const closed = await ask(h, P.staff, `/测评 结束 议题:${B}`);
      expect(closed.text).toContain(`议题：${B}`);
      expect(closed.text).toContain('共 2 人投票');
      const idA = await idOf(A);
      const byCampaign = await h.database.db.select().from(evaluations);
      expect(byCampaign.find((e) => e.campaignId === idA)!.status).toBe('open');
      expect((await ask(h, P.staff, '/测评 结果')).text).toContain(`议题「${A}」的「`);
      const results = await ask(h, P.staff, `/测评 结果 议题:${B}`);
      expect(results.text).toContain(`议题：${B}`);
      expect(results.text).toContain('不满意 2（100.0%）');
      expect(results.text).not.toContain('市人力资源和社会保障局');

      h.drain();
      const re = await ask(h, P.staff, `/回头看 开始 议题:${B}`);
      expect(re.text).toContain('市教育局（不满意 2 票）：已销号问题 1 件，由第一督导组核查');
      const items = await h.database.db
        .select({ code: problems.code, c: problems.campaignId })
        .from(reinspectionItems)
        .innerJoin(problems, eq(problems.id, reinspectionItems.problemId));
      expect(items).toEqual([{ code: codes.B教育![0]!, c: await idOf(B) }]);
      await h.dispatch();
      // B's group (李强) checks it, not A's group of the same name (钱督).
      const card = cardOf(h, P.sup, '回头看 · 市教育局');
      expect(card.text).toContain(`议题：${B}`);
      expect(card.text).not.toContain(codes.A教育![0]!);
      expect(h.fake.sentTo(SUP_A).filter((m) => read(m).text.includes('回头看 · '))).toHaveLength(0);
      const progress = await ask(h, P.staff, `/回头看 进度 议题:${B}`);
      expect(progress.text).toContain('市教育局：0/1');
      expect((await ask(h, P.staff, '/回头看 进度')).text).toContain(`议题「${A}」尚未开展回头看`);
      // A's group (same name, same unit) sees nothing of B's round; B's group sees it.
      expect((await ask(h, SUP_A, `/回头看 进度 议题:${B}`)).text).toContain('尚未开展回头看');
      expect((await ask(h, P.sup, `/回头看 进度 议题:${B}`)).text).toContain('市教育局：0/1');
      // The closing job works across campaigns: A's vote closes at its time, B's result stays.
      expect(await h.service.deps.runJob!('evaluation', new Date('2026-12-12T02:00:00Z'))).toEqual({
        closed: 1,
      });
      const after = await h.database.db.select().from(evaluations);
      expect(after.map((e) => e.status)).toEqual(['closed', 'closed']);
      expect((await ask(h, P.staff, '/测评 结果')).text).toContain(`议题：${A}`);
    },
  );
});

describe('archived campaigns and unknown names', () => {
  world.step(
    'an archived campaign refuses new groups, 评议对象 and votes, naming it; nothing changes',
    async () => {
      await ask(h, P.staff, '/议题 新建 已结束的议题');
      expect((await ask(h, P.staff, '/议题 归档 已结束的议题')).text).toContain('已归档议题「已结束的议题」');
      const before = [await count(supervisionGroups), await count(evaluatedUnits), await count(evaluations)];
      const refusals: [string, string][] = [
        ['/督导组 添加 第九督导组 议题:已结束的议题', '不能再调整督导组'],
        [`/督导组 成员 第一督导组 添加 ${EMAIL(SUP_A)} 议题:已结束的议题`, '不能再调整督导组'],
        ['/评议对象 设置 市教育局 议题:已结束的议题', '不能再修改评议对象'],
        ['/评议对象 前1 议题:已结束的议题', '不能再修改评议对象'],
        ['/测评 开始 议题:已结束的议题', '不能再开始满意度测评'],
      ];
      for (const [cmd, says] of refusals) {
        const r = await ask(h, P.staff, cmd);
        expect(r.text, cmd).toContain(`议题「已结束的议题」已归档，${says}`);
      }
      expect([await count(supervisionGroups), await count(evaluatedUnits), await count(evaluations)]).toEqual(
        before,
      );
      // Reading still works.
      expect((await ask(h, P.staff, '/督导组 列表 议题:已结束的议题')).text).toContain('该议题尚无督导组');
      expect((await ask(h, P.staff, '/测评 结果 议题:已结束的议题')).text).toContain(
        '尚无已结束的满意度测评',
      );
    },
  );

  world.step('an unknown 议题: is answered with the closest names, and nothing changes', async () => {
    const before = await count(supervisionGroups);
    for (const cmd of [
      '/督导组 添加 第二督导组 议题:2027年代表建议',
      '/评议对象 列表 议题:2027年代表建议',
      '/测评 结果 议题:2027年代表建议',
    ]) {
      const r = await ask(h, P.staff, cmd);
      expect(r.text, cmd).toContain('未找到议题「2027年代表建议」');
      expect(r.text, cmd).toContain(`您是否要找：${B}`);
    }
    // An empty 议题: is not "the current one".
    expect((await ask(h, P.staff, '/督导组 添加 第二督导组 议题:')).text).toContain('请填写议题名称');
    expect(await count(supervisionGroups)).toBe(before);
    const [g] = await h.database.db
      .select()
      .from(supervisionGroups)
      .where(and(eq(supervisionGroups.name, '第二督导组')));
    expect(g).toBeUndefined();
  });
});
