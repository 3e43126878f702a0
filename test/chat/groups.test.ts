import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, problems, roles, supervisionGroups } from '../../db/schema/index.js';
import { ask, assignAs, cardOf, EMAIL, P, press, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
const SUP_A = 'ou_sup_a';
const SUP_B = 'ou_sup_b';
beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  h.fake.addUser({ open_id: SUP_A, name: '钱督', email: EMAIL(SUP_A) });
  h.fake.addUser({ open_id: SUP_B, name: '孙督', email: EMAIL(SUP_B) });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.drain();
});

const labels = (m: { buttons: { label: string }[] }) => m.buttons.map((b) => b.label);
const groupOf = async (code: string) => {
  const [p] = await h.database.db
    .select({ groupId: problems.groupId })
    .from(problems)
    .where(eq(problems.code, code));
  const [g] = p?.groupId
    ? await h.database.db.select().from(supervisionGroups).where(eq(supervisionGroups.id, p.groupId))
    : [];
  return g?.name ?? null;
};
const audited = async (action: string) =>
  (await h.database.db.select().from(auditLog).where(eq(auditLog.action, action))).length;

async function assign(args: string): Promise<string> {
  return (await assignAs(h, args)).code;
}

describe('/督导组 setup', () => {
  it('adds groups; a second add of the same name changes nothing', async () => {
    expect((await ask(h, P.staff, '/督导组 添加 第一督导组')).text).toContain('已添加督导组「第一督导组」');
    expect((await ask(h, P.staff, '/group add 第二督导组')).text).toContain('已添加督导组「第二督导组」');
    expect((await ask(h, P.staff, '/督导组 添加 第一督导组')).text).toContain('已存在');
    expect(await audited('group.added')).toBe(2);
  });

  it('adds members: membership grants the supervisor role, audited', async () => {
    const r = await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(SUP_A)}`);
    expect(r.text).toBe('已将钱督加入第一督导组，并授予「督导组成员」角色。');
    await ask(h, P.staff, `/督导组 成员 第二督导组 添加 ${EMAIL(SUP_B)}`);
    const rs = await h.database.db.select().from(roles).where(eq(roles.openId, SUP_A));
    expect(rs.map((x) => x.role)).toEqual(['supervisor']);
    expect(await audited('group.member_added')).toBe(2);
    expect((await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(SUP_A)}`)).text).toContain(
      '已是第一督导组的成员',
    );
  });

  it('assigns units; a group may follow several', async () => {
    const r = await ask(h, P.staff, '/督导组 单位 第一督导组 市人社局，市民政局');
    expect(r.text).toContain('市人力资源和社会保障局：由第一督导组负责');
    expect(r.text).toContain('市民政局：由第一督导组负责');
    await ask(h, P.staff, '/督导组 单位 第二督导组 市教育局');
    const list = await ask(h, P.staff, '/督导组 列表');
    expect(list.text).toContain('1. 第一督导组　负责单位：市民政局、市人力资源和社会保障局　成员：钱督');
    expect(list.text).toContain('2. 第二督导组　负责单位：市教育局　成员：孙督　群聊：未绑定');
  });

  it('binds the current group chat when sent there with @bot, or a named chat_id', async () => {
    const bot = { key: '@_user_1', openId: h.fake.botOpenId, name: '督办', userId: '' };
    const r = await ask(h, P.staff, '@_user_1 /督导组 群聊 第一督导组', {
      chatId: 'oc_group_one',
      mentions: [bot],
    });
    expect(r.text).toContain('已将本群绑定为第一督导组的工作群');
    expect((await ask(h, P.staff, '/督导组 群聊 第二督导组 oc_group_two')).text).toContain(
      '已将群聊 oc_group_two 绑定为第二督导组',
    );
    expect((await ask(h, P.staff, '/督导组 群聊 第二督导组')).text).toContain(
      '请在督导组的工作群中 @机器人 发送',
    );
    expect((await ask(h, P.staff, '/督导组 群聊 第二督导组 not-a-chat')).text).toContain(
      '不是有效的群聊 chat_id',
    );
    const code = await assign('群通知测试 单位:市人社局 期限:2026-12-31');
    const notice = h.fake.messages.find((m) => m.receiveId === 'oc_group_one');
    expect(notice?.content).toContain(code);
  });

  it('refuses non-staff, unknown groups and wrong forms with the right form', async () => {
    expect((await ask(h, SUP_A, '/督导组 列表')).text).toContain('仅限工作人员');
    expect((await ask(h, P.staff, '/督导组 单位 第三督导组 市人社局')).text).toContain(
      '未找到督导组「第三督导组」',
    );
    expect((await ask(h, P.staff, '/督导组 成员 第一督导组 加入 someone')).text).toContain(
      '格式：/督导组 成员 <组名> 添加|移除 <人>',
    );
    expect((await ask(h, P.staff, '/督导组 单位 第一督导组')).text).toContain(
      '格式：/督导组 单位 <组名> <单位>',
    );
    expect((await ask(h, P.staff, '/督导组 单位 第一督导组 市人设局')).text).toContain(
      '您是否要找：市人社局',
    );
    expect((await ask(h, P.staff, '/督导组 随便')).text).toContain('/督导组 群聊 <组名> [<chat_id>]');
  });
});

describe("a group's supervisors decide its problems, and only theirs", () => {
  let code: string;
  beforeAll(async () => {
    code = await assign('社保窗口推诿 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    const answer = await press(h, P.lead1, cardOf(h, P.lead1, code), '申请延期', {
      new_deadline: '2027-01-29 +0800',
      reason: '需协调多个部门',
    });
    expect(answer.toast?.content).toContain('已提交');
    await h.dispatch();
  });

  it("the problem takes its lead unit's group", async () => {
    expect(await groupOf(code)).toBe('第一督导组');
  });

  it("group A's supervisor sees it with the decision buttons; group B's is refused", async () => {
    const a = await ask(h, SUP_A, `/查看 ${code}`);
    expect(a.text).toContain('督导组：第一督导组');
    expect(labels(a)).toEqual(['同意延期', '驳回延期']);
    expect((await ask(h, SUP_B, `/查看 ${code}`)).text).toContain(`您无权查看 ${code}`);
    expect((await ask(h, SUP_B, '/清单 市人社局')).text).toContain('没有符合条件的问题');
    expect((await ask(h, SUP_A, '/清单 市人社局')).text).toContain(code);
  });

  it("a button from group A's card, clicked by group B's supervisor, is refused and changes nothing", async () => {
    const a = await ask(h, SUP_A, `/查看 ${code}`);
    const approve = a.buttons.find((b) => b.label === '同意延期')!;
    const r = await h.click(SUP_B, { messageId: a.messageId, value: approve.value });
    expect(r.body.toast?.type).toBe('error');
    expect(r.body.toast?.content).toContain(`只有负责 ${code} 的督导组成员`);
    const [p] = await h.database.db.select().from(problems).where(eq(problems.code, code));
    expect(p?.deadline).toBe('2026-12-31');
  });

  it('moving the unit to group B moves its open problems; B now decides and A no longer may', async () => {
    const r = await ask(h, P.staff, '/督导组 单位 第二督导组 市人社局');
    expect(r.text).toContain('市人力资源和社会保障局：由第一督导组改由第二督导组负责');
    expect(r.text).toMatch(/其未办结的 \d+ 件问题改由第二督导组审核/);
    expect(await groupOf(code)).toBe('第二督导组');
    await h.dispatch();
    // The waiting extension request reaches the new group's supervisor.
    expect(cardOf(h, SUP_B, code).text).toContain('已改由第二督导组负责');
    expect(labels(await ask(h, SUP_B, `/查看 ${code}`))).toEqual(['同意延期', '驳回延期']);
    expect((await ask(h, SUP_A, `/查看 ${code}`)).text).toContain('您无权查看');
    const list = await ask(h, P.staff, '/督导组 列表');
    expect(list.text).toContain('1. 第一督导组　负责单位：市民政局');
    expect(list.text).toContain('2. 第二督导组　负责单位：市教育局、市人力资源和社会保障局');
    expect(await audited('group.unit_assigned')).toBeGreaterThanOrEqual(4);
  });

  it("removing a member takes away the group's problems but keeps the role", async () => {
    expect((await ask(h, P.staff, `/督导组 成员 第二督导组 移除 ${EMAIL(SUP_B)}`)).text).toBe(
      '已将孙督移出第二督导组。',
    );
    expect((await ask(h, SUP_B, `/查看 ${code}`)).text).toContain('您无权查看');
    expect((await ask(h, P.staff, `/督导组 成员 第二督导组 移除 ${EMAIL(SUP_B)}`)).text).toContain(
      '不是第二督导组的成员',
    );
    expect(await audited('group.member_removed')).toBe(1);
  });

  it('every change is in an intact audit chain', async () => {
    expect((await ask(h, P.staff, '/审计')).text).toContain('审计链完整');
  });
});
