import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { renderMessage } from '../../cards/render-text.js';
import {
  auditLog,
  evaluatedUnits,
  evaluations,
  problems,
  reinspectionItems,
  units,
} from '../../db/schema/index.js';
import { ask, cardOf, codeIn, EMAIL, P, read, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';
import { story } from '../support/story.js';

/** 评议对象 from the ranking, the vote's edges (roll, open, closing job), and 回头看. */

let h: Harness;
const START = new Date('2026-12-10T02:00:00Z'); // Thursday 10:00 Asia/Shanghai
let now = START;
const SUP_B = 'ou_sup_b';
const SUP_C = 'ou_sup_c';
const V = ['ou_v1', 'ou_v2', 'ou_v3'];
let codesOf: Record<string, string[]> = {};
const code = (unit: string, i: number) => codesOf[unit]![i]!;

async function open() {
  now = START;
  codesOf = {};
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  h.fake.addUser({ open_id: SUP_B, name: '孙督', email: EMAIL(SUP_B) });
  h.fake.addUser({ open_id: SUP_C, name: '周督', email: EMAIL(SUP_C) });
  V.forEach((id, i) => {
    h.fake.addUser({ open_id: id, name: `委员${i + 1}`, email: EMAIL(id) });
  });
  await ask(h, P.staff, '/单位 添加 市卫生健康委员会 简称:市卫健局');
  // 市教育局 3, 市人社局 2, 市民政局 2, 市卫健局 1: a tie at places 2–3.
  const plan: [string, number][] = [
    ['市教育局', 3],
    ['市人社局', 2],
    ['市民政局', 2],
    ['市卫健局', 1],
  ];
  for (const [unit, n] of plan) {
    for (let i = 0; i < n; i++) {
      const r = await ask(h, P.staff, `/交办 ${unit}问题${i + 1} 单位:${unit} 期限:2026-12-31`);
      codesOf[unit] = [...(codesOf[unit] ?? []), codeIn(r.text)];
    }
  }
  // Two of 市教育局's problems and one of 市人社局's are closed already (the loop is tested elsewhere).
  for (const c of [code('市教育局', 0), code('市教育局', 1), code('市人社局', 0)]) {
    await h.database.db.update(problems).set({ state: 'closed', closedAt: now }).where(eq(problems.code, c));
  }
  for (const g of ['第一督导组', '第二督导组', '第六督导组']) await ask(h, P.staff, `/督导组 添加 ${g}`);
  await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(P.sup)}`);
  await ask(h, P.staff, `/督导组 成员 第二督导组 添加 ${EMAIL(SUP_B)}`);
  await ask(h, P.staff, `/督导组 成员 第六督导组 添加 ${EMAIL(SUP_C)}`);
  await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(SUP_C)}`);
  await h.dispatch();
  h.drain();
}
const evaluation = story({
  open,
  close: () => h.stop(),
  beforeStep: async () => {
    await h.dispatch();
  },
});

const evaluatedNames = async () =>
  (
    await h.database.db
      .select({ name: units.name })
      .from(evaluatedUnits)
      .innerJoin(units, eq(units.id, evaluatedUnits.unitId))
  )
    .map((r) => r.name)
    .sort();

describe('/评议对象', () => {
  evaluation.step(
    '前N: a tie at the boundary is reported and nothing is set until staff decide',
    async () => {
      const r = await ask(h, P.staff, '/评议对象 前2');
      expect(r.text).toContain('前 2 名的边界有并列，未作设置');
      expect(r.text).toContain('第 1 名 市教育局（牵头 3 件');
      expect(r.text).toContain('并列第 2 名（共 2 个，只余 1 个名额）');
      expect(r.text).toContain('市人力资源和社会保障局');
      expect(r.text).toContain('市民政局');
      expect(r.text).toContain('/评议对象 前2 含并列');
      expect(await evaluatedNames()).toEqual([]);
    },
  );

  evaluation.step('前N 含并列 takes every unit sharing the boundary rank; 前1 needs no choice', async () => {
    const r = await ask(h, P.staff, '/评议对象 前2 含并列');
    expect(r.text).toContain('已按排名设置评议对象 3 个');
    expect(r.text).toContain('第 2 名并列，已全部纳入');
    expect(await evaluatedNames()).toEqual(['市人力资源和社会保障局', '市教育局', '市民政局'].sort());
    expect((await ask(h, P.staff, '/评议对象 前1')).text).toContain('★第 1 名 市教育局');
    expect(await evaluatedNames()).toEqual(['市教育局']);
  });

  evaluation.step(
    '设置 replaces the set; 列表 shows rank, count and group; only staff manage it',
    async () => {
      const r = await ask(h, P.staff, '/评议对象 设置 市教育局，市人社局');
      expect(r.text).toContain('已设置评议对象 2 个：市教育局、市人力资源和社会保障局');
      expect((await ask(h, P.staff, '/评议对象 设置 市人设局')).text).toContain('您是否要找');
      expect(await evaluatedNames()).toEqual(['市人力资源和社会保障局', '市教育局'].sort());
      expect((await ask(h, P.sup, '/评议对象 设置 市民政局')).text).toContain('仅限工作人员');
      const l = await ask(h, P.staff, '/评议对象 列表');
      expect(l.text).toContain('1. ★市教育局　牵头问题 3 件（排名第 1）　督导组：未分配');
      expect(l.text).toContain('2. ★市人力资源和社会保障局　牵头问题 2 件（排名第 2）　督导组：未分配');
      expect(l.text).toContain('未分组的其他单位 2 个');
    },
  );

  evaluation.step(
    '分组 gives each evaluated unit its group; 其余 sends every other ungrouped unit to the catch-all group',
    async () => {
      expect((await ask(h, P.staff, '/评议对象 分组 市教育局 第一督导组')).text).toContain(
        '市教育局：由第一督导组负责，其未办结的 1 件问题改由第一督导组审核',
      );
      expect((await ask(h, P.staff, '/评议对象 分组 市人社局 第二督导组')).text).toContain(
        '由第二督导组负责',
      );
      const rest = await ask(h, P.staff, '/评议对象 其余 第六督导组');
      expect(rest.text).toContain('已将其余 2 个单位交由第六督导组负责');
      expect(rest.text).toContain('市民政局');
      expect(rest.text).toContain('市卫生健康委员会');
      expect((await ask(h, P.staff, '/评议对象 其余 第六督导组')).text).toContain('没有需要分配的单位');
      const l = await ask(h, P.staff, '/评议对象 列表');
      expect(l.text).toContain('督导组：第一督导组');
      expect(l.text).not.toContain('未分组的其他单位');
    },
  );

  evaluation.step('marks evaluated units: 【评议对象】 on problem cards, ★ in the digest', async () => {
    const edu = await ask(h, P.staff, `/查看 ${code('市教育局', 2)}`);
    expect(edu.text).toContain('牵头单位：市教育局 【评议对象】');
    const other = await ask(h, P.staff, `/查看 ${code('市民政局', 0)}`);
    expect(other.text).not.toContain('【评议对象】');
    const digest = await ask(h, P.staff, '/周报');
    expect(digest.text).toContain('★市教育局');
    expect(digest.text).not.toContain('★市民政局');
  });
});

describe('the roll and opening a vote', () => {
  evaluation.step('keeps a roll with a category each; a wrong category says what is allowed', async () => {
    expect((await ask(h, P.staff, `/测评 名单 添加 游客 ${EMAIL(V[0]!)}`)).text).toContain(
      '可选：常委会委员、人大代表、群众代表、企业家代表',
    );
    const r = await ask(h, P.staff, `/测评 名单 添加 人大代表 ${EMAIL(V[0]!)} ${EMAIL(V[1]!)}`);
    expect(r.text).toContain('已将 委员1、委员2 加入投票人名单（人大代表）');
    const moved = await ask(
      h,
      P.staff,
      `/测评 名单 添加 常委会委员 ${EMAIL(V[0]!)},${EMAIL(V[1]!)},${EMAIL(V[2]!)}`,
    );
    expect(moved.text).toContain('委员1的类别已由人大代表改为常委会委员');
    expect(moved.text).toContain('已将 委员3 加入投票人名单（常委会委员）');
    expect((await ask(h, P.staff, '/测评 名单')).text).toContain('常委会委员（3 人）：委员1、委员2、委员3');
    expect((await ask(h, P.sup, `/测评 名单 添加 常委会委员 ${EMAIL(P.other)}`)).text).toContain(
      '仅限工作人员',
    );
  });

  evaluation.step('refuses to open without evaluated units, or with a closing time in the past', async () => {
    const saved = await h.database.db.select().from(evaluatedUnits);
    await h.database.db.delete(evaluatedUnits);
    expect((await ask(h, P.staff, '/测评 开始')).text).toContain('尚未设置评议对象');
    await h.database.db.insert(evaluatedUnits).values(saved);
    expect((await ask(h, P.staff, '/测评 开始 截止:2026-12-09 17:00')).text).toContain('已过');
    expect((await ask(h, P.staff, '/测评 开始 截止:明天')).text).toContain('格式有误');
    expect((await ask(h, P.staff, '/测评 投票码 群众代表 5')).text).toContain('没有进行中的满意度测评');
    expect(await h.database.db.select().from(evaluations)).toHaveLength(0);
  });

  evaluation.step(
    'opens over the evaluated units with a closing time; the roll and the units are frozen while it runs',
    async () => {
      const r = await ask(h, P.staff, '/测评 开始 截止:2026-12-10 12:00');
      expect(r.text).toContain('评议对象 2 个：市教育局、市人力资源和社会保障局');
      expect(r.text).toContain('已向名单内 3 名投票人发送选票');
      expect((await ask(h, P.staff, '/评议对象 设置 市民政局')).text).toContain(
        '正在进行，结束后才能修改评议对象',
      );
      expect((await ask(h, P.staff, `/测评 名单 移除 ${EMAIL(V[0]!)}`)).text).toContain('结束后才能移除');
      expect((await ask(h, P.staff, `/测评 名单 添加 人大代表 ${EMAIL(V[0]!)}`)).text).toContain(
        '不能更改其类别',
      );
      const audit = await h.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'evaluation.opened'));
      expect(audit).toHaveLength(1);
    },
  );

  evaluation.step(
    '/投票 sends a voter a fresh ballot; others are told they are not on the roll',
    async () => {
      await h.dispatch();
      h.drain();
      expect((await ask(h, V[2]!, '/投票')).text).toContain('已重新发送');
      await h.dispatch();
      expect(
        h.drain().filter((m) => m.receiveId === V[2] && read(m).text.includes('满意度测评选票')),
      ).toHaveLength(1);
      expect((await ask(h, P.stranger, '/投票')).text).toContain('不在本次测评的投票人名单中');
    },
  );
});

async function vote(who: string, edu: string, hr: string) {
  const card = cardOf(h, who, '满意度测评选票');
  const submit = card.buttons.find((b) => b.formFields)!;
  const [fEdu, fHr] = submit.formFields!;
  expect(fEdu!.label).toContain('市教育局');
  return h.click(who, {
    messageId: card.messageId,
    value: submit.value,
    formValue: { [fEdu!.name]: edu, [fHr!.name]: hr },
  });
}

describe('closing by time', () => {
  evaluation.step(
    'voters vote; after the closing time a ballot is refused and the job closes the vote',
    async () => {
      expect((await vote(V[0]!, 'dissatisfied', 'satisfied')).body.toast?.type).toBe('success');
      expect((await vote(V[1]!, 'dissatisfied', 'dissatisfied')).body.toast?.type).toBe('success');
      expect((await ask(h, V[1]!, '/投票')).text).toContain('您已完成');
      now = new Date('2026-12-10T04:30:00Z'); // 12:30, past the 12:00 closing time
      const late = await vote(V[2]!, 'satisfied', 'satisfied');
      expect(late.body.toast?.content).toContain('已于 2026年12月10日 12:00 截止');
      expect((await ask(h, P.staff, '/测评 进度')).text).toContain('已过截止时间');
      expect(await h.service.deps.runJob!('evaluation', now)).toEqual({ closed: 1 });
      expect(await h.service.deps.runJob!('evaluation', now)).toEqual({ closed: 0 });
      const [e] = await h.database.db.select().from(evaluations);
      expect(e).toMatchObject({ status: 'closed', closedAt: now });
      const closed = await h.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'evaluation.closed'));
      expect(closed[0]).toMatchObject({ actorOpenId: null, actorName: '系统（截止时间已到）' });
      await h.dispatch();
      const results = cardOf(h, P.sup, '满意度测评结果');
      // Two voters: no category may be shown alone; only the total.
      expect(results.text).toContain(
        '1. 市人力资源和社会保障局　满意 1（50.0%）　基本满意 0（0.0%）　不满意 1（50.0%）',
      );
      expect(results.text).toContain('2. 市教育局　满意 0（0.0%）　基本满意 0（0.0%）　不满意 2（100.0%）');
      expect(results.text).not.toContain('按投票人类别');
      expect(results.text).toContain('只公布总体结果');
      expect((await ask(h, P.sup, '/测评 结果')).text).toContain('满意度测评结果');
    },
  );
});

describe('回头看', () => {
  const itemButtons = (c: ReturnType<typeof cardOf>, label: string) =>
    c.buttons.filter((b) => b.label === label);
  /** P.sup's card as the last click answered it (Lark shows the callback's card in place). */
  let supCard: ReturnType<typeof cardOf>;

  evaluation.step(
    'starts for units at the threshold: each closed problem becomes an item; the group gets a card',
    async () => {
      h.drain();
      const r = await ask(h, P.staff, '/回头看 开始 阈值:2');
      expect(r.text).toContain('不满意票达到 2 票的 1 个单位');
      expect(r.text).toContain('市教育局（不满意 2 票）：已销号问题 2 件，由第一督导组核查');
      expect(r.text).not.toContain('市人力资源和社会保障局');
      await h.dispatch();
      const c = cardOf(h, P.sup, '回头看 · 市教育局');
      expect(c.text).toContain('已核查 0/2');
      expect(c.text).toContain(code('市教育局', 0));
      expect(c.text).toContain(code('市教育局', 1));
      expect(c.text).not.toContain(code('市教育局', 2)); // still open: not re-inspected
      expect(itemButtons(c, '维持销号')).toHaveLength(2);
      expect(h.fake.sentTo(SUP_B).filter((m) => read(m).text.includes('回头看 · '))).toHaveLength(0);
      expect((await ask(h, P.sup, '/回头看 开始')).text).toContain('只有工作人员可以启动回头看');
    },
  );

  evaluation.step("only that group's supervisors (or staff) decide", async () => {
    const c = cardOf(h, P.sup, '回头看 · 市教育局');
    const confirm = itemButtons(c, '维持销号')[0]!;
    for (const who of [SUP_B, P.other, P.stranger]) {
      const r = await h.click(who, { messageId: c.messageId, value: confirm.value });
      expect(r.body.toast?.type, who).toBe('error');
    }
    expect((await h.database.db.select().from(reinspectionItems)).every((i) => i.status === 'pending')).toBe(
      true,
    );
  });

  evaluation.step(
    '维持销号 confirms once; the other copies follow; progress shows in /回头看 进度 and the digest',
    async () => {
      const c = cardOf(h, P.sup, '回头看 · 市教育局');
      const confirm = itemButtons(c, '维持销号')[0]!;
      const r = await h.click(P.sup, { messageId: c.messageId, value: confirm.value });
      expect(r.body.toast).toMatchObject({
        type: 'success',
        content: `已确认 ${code('市教育局', 0)} 维持销号。`,
      });
      expect(renderMessage('interactive', r.body.card!.data).text).toContain('已核查 1/2');
      supCard = read({ ...c, content: JSON.stringify(r.body.card!.data) });
      expect(itemButtons(supCard, '维持销号')).toHaveLength(1);
      await h.dispatch();
      expect(cardOf(h, SUP_C, '回头看 · 市教育局').text).toContain('已核查 1/2'); // the other member's copy, patched
      const again = await h.click(P.sup, { messageId: c.messageId, value: confirm.value });
      expect(again.body.toast?.content).toContain('已处理');
      expect((await ask(h, P.sup, '/回头看 进度')).text).toContain(
        '市教育局：1/2（维持销号 1，重新整改 0，待核查 1）',
      );
      expect((await ask(h, SUP_B, '/回头看 进度')).text).toContain('尚未开展回头看');
      expect((await ask(h, P.staff, '/周报')).text).toContain('回头看：已核查 1/2');
      expect((await ask(h, P.sup, '/周报')).text).toContain('回头看：已核查 1/2');
      const [p] = await h.database.db
        .select()
        .from(problems)
        .where(eq(problems.code, code('市教育局', 0)));
      expect(p!.state).toBe('closed');
      expect((await ask(h, P.staff, `/查看 ${code('市教育局', 0)}`)).text).toContain(
        '李强 回头看：整改到位，维持销号',
      );
    },
  );

  evaluation.step(
    '重新整改: a form with a new deadline and reason reopens the problem; the unit is told and the loop runs again',
    async () => {
      const c = supCard;
      const open = await h.click(P.sup, {
        messageId: c.messageId,
        value: itemButtons(c, '重新整改')[0]!.value,
      });
      expect(open.body.toast, JSON.stringify(open.body)).toMatchObject({ type: 'info' });
      const form = renderMessage('interactive', open.body.card!.data);
      const submit = form.buttons.find((b) => b.formFields)!;
      expect(submit.formFields!.map((f) => f.name)).toEqual(['new_deadline', 'reason']);
      const bad = await h.click(P.sup, {
        messageId: c.messageId,
        value: submit.value,
        formValue: { new_deadline: '2026-01-01 +0800', reason: '群众反映仍未解决' },
      });
      expect(bad.body.toast?.content).toContain('早于今天');
      const reopened = code('市教育局', 1);
      const r = await h.click(P.sup, {
        messageId: c.messageId,
        value: submit.value,
        formValue: { new_deadline: '2027-01-20 +0800', reason: '群众反映仍未解决' },
      });
      expect(r.body.toast).toMatchObject({ type: 'success' });
      expect(r.body.toast!.content).toContain(`已将 ${reopened} 退回重新整改`);
      const [p] = await h.database.db.select().from(problems).where(eq(problems.code, reopened));
      expect(p).toMatchObject({ state: 'in_progress', deadline: '2027-01-20', closedAt: null });
      await h.dispatch();
      const unitCard = cardOf(h, P.other, reopened);
      expect(unitCard.text).toContain('回头看：本问题需重新整改');
      expect(unitCard.text).toContain('群众反映仍未解决');
      expect(unitCard.text).toContain('状态：整改中');
      const [item] = await h.database.db
        .select()
        .from(reinspectionItems)
        .where(eq(reinspectionItems.problemId, p!.id));
      expect(item).toMatchObject({
        status: 'reopened',
        decidedBy: P.sup,
        newDeadline: '2027-01-20',
        reason: '群众反映仍未解决',
      });
      expect((await ask(h, P.staff, '/回头看 进度')).text).toContain(
        '市教育局：2/2（维持销号 1，重新整改 1，待核查 0）',
      );
      expect((await ask(h, P.staff, '/周报')).text).not.toContain('回头看：已核查');
      expect(cardOf(h, SUP_C, '回头看 · 市教育局').text).toContain('全部核查完毕');
    },
  );

  evaluation.step('a lower threshold adds the units it reaches; staff decide for them too', async () => {
    const r = await ask(h, P.staff, '/回头看 开始');
    expect(r.text).toContain('市教育局（不满意 2 票）：已销号问题 2 件（新增 0 件）');
    expect(r.text).toContain('市人力资源和社会保障局（不满意 1 票）：已销号问题 1 件，由第二督导组核查');
    await h.dispatch();
    const c = cardOf(h, SUP_B, '回头看 · 市人力资源和社会保障局');
    const ok = await h.click(P.staff, {
      messageId: c.messageId,
      value: c.buttons.find((b) => b.label === '维持销号')!.value,
    });
    expect(ok.body.toast?.type).toBe('success');
  });
});
