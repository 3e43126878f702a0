import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, outbox } from '../../db/schema/index.js';
import {
  ask,
  assignAs,
  cardOf,
  codeIn,
  P,
  press,
  read,
  setupCampaign,
  useCampaign,
} from '../support/campaign.js';
import { ADMIN, type Harness, renderMessage, startHarness } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now }, (x) => {
  h = x;
});

async function assign(args: string): Promise<string> {
  const { code } = await assignAs(h, args);
  expect(code).toMatch(/^DB-2026-\d{3}$/);
  return code;
}

const labels = (m: { buttons: { label: string }[] }) => m.buttons.map((b) => b.label);

describe('/查看', () => {
  let code: string;
  beforeAll(async () => {
    code = await assign('窗口排队时间长 单位:市人社局 配合:市民政局 期限:2026-12-31 类别:政务服务环境');
  });

  it('shows a lead contact the state, evidence count, history by name and their buttons', async () => {
    const r = await ask(h, P.lead1, `/查看 ${code}`);
    expect(r.msgType).toBe('interactive');
    expect(r.text).toContain(`${code} 窗口排队时间长`);
    expect(r.text).toContain('状态：已交办');
    expect(r.text).toContain('佐证材料：0 件');
    expect(r.text).toContain('办理记录');
    expect(r.text).toMatch(/王敏 交办：交办市人力资源和社会保障局，配合单位：市民政局/);
    expect(labels(r)).toEqual(['签收', '反馈进展', '申请销号', '申请延期', '申请改派']);
  });

  it('shows a cooperating contact the 配合 copy with only 反馈进展', async () => {
    const r = await ask(h, P.co, `/show ${code.toLowerCase()}`);
    expect(r.text).toContain('【配合】');
    expect(labels(r)).toEqual(['反馈进展']);
  });

  it('shows a supervisor (no group: every supervisor decides) and staff, each with their own buttons', async () => {
    const sup = await ask(h, P.sup, `/查看 ${code}`);
    expect(sup.text).toContain('状态：已交办');
    expect(labels(sup)).toEqual([]);
    const staff = await ask(h, P.staff, `/查看 ${code}`);
    expect(staff.text).toContain('佐证材料：0 件');
    expect(labels(staff)).toContain('撤销');
    expect(labels(staff)).not.toContain('签收');
  });

  it("refuses a stranger and another unit's contact", async () => {
    for (const who of [P.stranger, P.other]) {
      const r = await ask(h, who, `/查看 ${code}`);
      expect(r.msgType).toBe('text');
      expect(r.text).toContain(`您无权查看 ${code}`);
    }
  });

  it.each([
    ['/查看', '格式：/查看 <编号>'],
    ['/查看 123', '不是有效的问题编号'],
    ['/查看 DB-2026-999', '未找到问题 DB-2026-999'],
  ])('%s → a clear reply', async (cmd, expected) => {
    expect((await ask(h, P.staff, cmd)).text).toContain(expected);
  });

  it('the answer is a copy of the card: it is patched when the problem changes, with fresh buttons', async () => {
    const c = await assign('补贴发放慢 单位:市人社局 期限:2026-12-31');
    const view = await ask(h, P.lead2, `/查看 ${c}`);
    const [row] = await h.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'reply'), eq(outbox.sentMessageId, view.messageId)));
    expect(row?.problemId).toBeGreaterThan(0);
    expect(row?.audience).toBe(P.lead2);
    await press(h, P.lead1, cardOf(h, P.lead1, c), '签收');
    await h.dispatch();
    const patched = read({ ...view, content: JSON.stringify(h.fake.latest(view.messageId)) });
    expect(patched.text).toContain('状态：已签收');
    expect(labels(patched)).not.toContain('签收');
    const again = await ask(h, P.lead2, `/查看 ${c}`);
    expect(again.text).toMatch(/张伟（市人力资源和社会保障局） 签收/);
  });

  it('lists messages Lark refused for good as 未送达 with the receiver and reason', async () => {
    h.fake.addUser({ open_id: 'ou_gone', name: '孙离', email: 'gone@example.gov.cn' });
    await ask(h, P.staff, '/单位 添加 市科学技术和经济信息化局 简称:市科经局');
    await ask(h, P.staff, '/联络员 添加 市科经局 gone@example.gov.cn');
    h.fake.rejectReceiver('ou_gone', 230013);
    const c = await assign('科技项目审批慢 单位:市科经局 期限:2026-12-31');
    await h.dispatch();
    const r = await ask(h, P.staff, `/查看 ${c}`);
    expect(r.text).toContain('未送达：孙离（用户不在应用可用范围内）');
    expect(r.text).toContain('状态：已交办');
  });
});

describe('/清单', () => {
  beforeAll(async () => {
    await ask(h, P.staff, '/单位 添加 市统计局');
    await ask(h, P.staff, '/单位 添加 市审计局');
    h.fake.addUser({ open_id: 'ou_stat', name: '周统', email: 'stat@example.gov.cn' });
    await ask(h, P.staff, '/联络员 添加 市统计局 stat@example.gov.cn');
    for (let i = 1; i <= 12; i++) await assign(`统计问题${i} 单位:市统计局 期限:2026-12-31`);
    await assign('审计问题 单位:市审计局 配合:市统计局 期限:5个工作日');
  });

  it('filters by unit, pages by 10 and says where it is', async () => {
    const p1 = await ask(h, P.staff, '/清单 市统计局');
    expect(p1.text).toContain('共 13 件，第 1/2 页');
    expect(p1.text).toContain('统计问题1\n牵头：市统计局　已交办　期限：2026年12月31日');
    expect(p1.text).not.toContain('统计问题11');
    expect(labels(p1)).toEqual(['下一页']);
    const p2 = await ask(h, P.staff, '/list 市统计局 第2页');
    expect(p2.text).toContain('统计问题11');
    expect(p2.text).toContain('审计问题\n牵头：市审计局');
    expect(labels(p2)).toEqual(['上一页']);
  });

  it('the 下一页 button turns the page in place', async () => {
    const p1 = await ask(h, P.staff, '/清单 市统计局');
    const r = await press(h, P.staff, p1, '下一页');
    expect(r.toast?.content).toBe('第 2/2 页');
    const text = renderMessage('interactive', r.card!.data).text;
    expect(text).toContain('统计问题12');
    expect(text).not.toContain('统计问题1\n');
  });

  it('filters by state: 已签收, 未销号 and 逾期 with workdays late', async () => {
    const c = await assign('签收筛选 单位:市审计局 期限:2026-12-31');
    expect((await ask(h, P.staff, '/清单 市审计局 已签收')).text).toContain('没有符合条件的问题');
    expect((await ask(h, P.staff, '/清单 市审计局 未销号')).text).toContain('共 2 件');
    const saved = now;
    try {
      now = new Date('2026-12-08T02:00:00Z'); // Tuesday; the 5-workday deadline was Thu 12-03
      const late = await ask(h, P.staff, '/清单 市审计局 逾期');
      expect(late.text).toContain('共 1 件');
      expect(late.text).toContain('审计问题');
      expect(late.text).toContain('逾期 3 个工作日');
      expect(late.text).not.toContain(c);
    } finally {
      now = saved;
    }
  });

  it("a contact sees only their units' problems (lead or cooperating)", async () => {
    const mine = await ask(h, 'ou_stat', '/清单');
    expect(mine.text).toContain('共 13 件');
    expect(mine.text).toContain('仅列出本单位牵头或配合的问题');
    const other = await ask(h, P.other, '/清单');
    expect(other.text).toContain('没有符合条件的问题');
    expect((await ask(h, 'ou_stat', '/清单 市人社局')).text).toContain('您只能查看本单位的问题');
  });

  it('refuses a stranger and explains wrong arguments', async () => {
    expect((await ask(h, P.stranger, '/清单')).text).toContain('仅限工作人员、督导组成员和承办单位联络员');
    expect((await ask(h, P.staff, '/清单 市统记局')).text).toContain('您是否要找：市统计局');
    expect((await ask(h, P.staff, '/清单 逾期 已销号')).text).toContain('只能指定一个状态');
  });
});

describe('/审计', () => {
  it('verifies the chain and shows the rows and the head hash', async () => {
    const r = await ask(h, P.staff, '/审计');
    expect(r.text).toMatch(/审计链完整：共 \d+ 条记录/);
    expect(r.text).toMatch(/当前链头哈希：[0-9a-f]{64}/);
  });

  it('says at which row a tampered chain breaks', async () => {
    const db = h.database.db;
    const [row] = await db.select().from(auditLog).where(eq(auditLog.seq, 3));
    await db.update(auditLog).set({ actorName: '篡改者' }).where(eq(auditLog.seq, 3));
    try {
      expect((await ask(h, P.staff, '/审计')).text).toContain('第 3 条记录处断裂');
    } finally {
      await db.update(auditLog).set({ actorName: row!.actorName }).where(eq(auditLog.seq, 3));
    }
    expect((await ask(h, P.staff, '/审计')).text).toContain('审计链完整');
  });

  it('is for staff only', async () => {
    expect((await ask(h, P.lead1, '/审计')).text).toContain('仅限工作人员');
    expect((await ask(h, ADMIN, '/audit')).text).toContain('审计链完整');
  });
});

describe('/统计 and /排名', () => {
  let g: Harness;
  const say = (who: string, text: string) => ask(g, who, text);
  beforeAll(async () => {
    g = await startHarness({ clock: () => new Date('2026-11-26T02:00:00Z') });
    await setupCampaign(g);
    await say(P.staff, '/单位 添加 市残联');
    // 市人社局 3, 市教育局 2, 市民政局 2 (+1 配合), 市残联 1 → ranks 1, 2, 2, 4.
    const plan: [string, string][] = [
      ['甲', '单位:市人社局 类别:政务服务环境'],
      ['乙', '单位:市人社局 类别:要素保障'],
      ['丙', '单位:市人社局 配合:市民政局 类别:政务服务环境'],
      ['丁', '单位:市教育局'],
      ['戊', '单位:市教育局'],
      ['己', '单位:市民政局'],
      ['庚', '单位:市民政局'],
      ['辛', '单位:市残联'],
    ];
    for (const [title, args] of plan)
      expect(codeIn((await say(P.staff, `/交办 ${title} ${args} 期限:2026-12-31`)).text)).not.toBe('');
  });
  afterAll(() => g.stop());

  it('ranks units by problems led; ties share a rank and sort by name', async () => {
    const r = await say(P.staff, '/排名');
    const lines = r.text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines.map((l) => l.split('　')[0])).toEqual([
      '1. 市人力资源和社会保障局',
      '2. 市教育局',
      '2. 市民政局',
      '4. 市残联',
    ]);
    expect(lines[2]).toContain('牵头 2 件（另配合 1 件）');
    expect(lines[0]).toContain('办结率 0.0%');
    expect(lines[0]).toContain('逾期 0 件');
  });

  it('/统计 gives figures per state, category and unit; supervisors may ask, contacts may not', async () => {
    const r = await say(P.sup, '/统计');
    expect(r.text).toContain('问题总数：8 件（已撤销 0 件）');
    expect(r.text).toContain('未销号：8 件');
    expect(r.text).toContain('已交办：8 件');
    expect(r.text).toContain('政务服务环境：2 件　未销号 2　逾期 0　已销号 0　办结率 0.0%');
    expect(r.text).toContain('未分类：5 件');
    expect(r.text).toContain('市民政局：2 件　未销号 2');
    expect((await say(P.lead1, '/stats')).text).toContain('仅限工作人员或督导组成员');
    expect((await say(P.lead1, '/rank')).text).toContain('仅限工作人员或督导组成员');
  });
});
