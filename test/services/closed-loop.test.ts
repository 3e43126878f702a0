import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, problems } from '../../db/schema/index.js';
import { verifyAudit } from '../../src/audit/chain.js';
import { ask, assignAs, cardOf, codeIn, EMAIL, P, press, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
const START = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
let now = START;
// One world per file (people, units, contacts); each test makes and reads only its own problems.
useCampaign(
  { clock: () => now },
  (x) => {
    h = x;
  },
  {
    first: () => {
      now = START;
    },
  },
);

const stateOf = async (code: string) =>
  (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;

async function assign(
  args = '企业开办材料重复提交 单位:市人社局 配合:市民政局 期限:2026-12-31 类别:政务服务环境 时效:立行立改',
) {
  const r = await assignAs(h, args);
  expect(r.code).toMatch(/^DB-2026-\d{3}$/);
  return r;
}

describe('交办', () => {
  it('sends the assignment card to each lead contact, a 配合 copy to cooperating units, and confirms with the code', async () => {
    const toOther = h.fake.sentTo(P.other).length;
    const { code, reply } = await assign();
    expect(reply.text).toContain('牵头单位：市人力资源和社会保障局');
    for (const who of [P.lead1, P.lead2]) {
      const c = cardOf(h, who, code);
      expect(c.text).toContain('企业开办材料重复提交');
      expect(c.text).toContain('2026年12月31日');
      expect(c.text).toContain('政务服务环境');
      expect(c.text).toContain('状态：已交办');
      // The exact lines are in the card JSON itself, not only in a rendering of it.
      expect(JSON.stringify(c.json)).toContain('状态：已交办');
      expect(JSON.stringify(c.json)).toContain('佐证材料：0 件');
      expect(c.buttons.map((b) => b.label)).toEqual(['签收', '反馈进展', '申请销号', '申请延期', '申请改派']);
    }
    const co = cardOf(h, P.co, code);
    expect(co.text).toContain('【配合】');
    expect(co.buttons.map((b) => b.label)).toEqual(['反馈进展']);
    expect(co.text).toContain('提交佐证材料');
    await h.dispatch();
    expect(h.fake.sentTo(P.other)).toHaveLength(toOther);
  });

  it('gives each code once, in order, with at least three digits', async () => {
    const a = await assign('甲 单位:市教育局 期限:10个工作日');
    const b = await assign('乙 单位:市教育局 期限:10个工作日');
    expect(Number(b.code.slice(-3))).toBe(Number(a.code.slice(-3)) + 1);
  });

  it('counts N个工作日 on the statutory calendar', async () => {
    const { code } = await assign('工作日期限 单位:市教育局 期限:5个工作日');
    // From Thu 2026-11-26: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3.
    expect((await stateOf(code)).deadline).toBe('2026-12-03');
  });

  it.each([
    ['未知单位 单位:市人设局 期限:2026-12-31', '您是否要找：市人社局'],
    ['过去的期限 单位:市人社局 期限:2026-01-05', '早于今天'],
    ['不存在的日期 单位:市人社局 期限:2026-02-30', '不是真实存在的日期'],
    ['单位:市人社局 期限:2026-12-31', '缺少标题'],
    [`${'长'.repeat(201)} 单位:市人社局 期限:2026-12-31`, '不能超过 200 个字'],
    ['没有单位 期限:2026-12-31', '缺少单位'],
    ['错误类别 单位:市人社局 期限:2026-12-31 类别:其他', '类别「其他」无效'],
  ])('refuses %s with a reply saying what is wrong', async (args, expected) => {
    const before = (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(problems))[0]!.n;
    const r = await ask(h, P.staff, `/交办 ${args}`);
    expect(r.text).toContain(expected);
    expect((await h.database.db.select({ n: sql<number>`count(*)::int` }).from(problems))[0]!.n).toBe(before);
  });

  it('warns when the lead unit has no contact', async () => {
    await ask(h, P.staff, '/单位 添加 市残疾人联合会 简称:市残联');
    const r = await ask(h, P.staff, '/交办 无人接收 单位:市残联 期限:2026-12-31');
    expect(r.text).toContain('尚未设置联络员');
  });

  it('only staff may assign', async () => {
    const r = await ask(h, P.lead1, '/交办 越权 单位:市人社局 期限:2026-12-31');
    expect(r.text).toContain('仅限工作人员');
  });

  it('/交办 without arguments answers with the form card, and the form assigns', async () => {
    const form = await ask(h, P.staff, '/交办');
    expect(form.text).toContain('交办问题');
    const submit = form.buttons.find((b) => b.formFields)!;
    expect(submit.formFields!.map((f) => f.name)).toEqual([
      'title',
      'lead_unit',
      'co_units',
      'deadline',
      'category',
      'timeliness',
      'description',
      'raiser',
    ]);
    const r = await h.click(P.staff, {
      messageId: form.messageId,
      value: submit.value,
      formValue: {
        title: '表单交办',
        lead_unit: '市教育局',
        co_units: ['市民政局'],
        deadline: '2026-12-20 +0800',
        category: '要素保障',
        timeliness: '长期整改',
        description: '描述',
      },
    });
    expect(r.body.toast?.content).toMatch(/已交办 DB-2026-\d{3}/);
    const code = codeIn(r.body.toast!.content);
    expect((await stateOf(code)).deadline).toBe('2026-12-20');
  });
});

describe('签收 and 反馈进展', () => {
  it("a lead contact acknowledges; the card loses 签收 and the other contact's copy is patched", async () => {
    const { code } = await assign();
    const mine = cardOf(h, P.lead1, code);
    const answer = await press(h, P.lead1, mine, '签收');
    expect(answer.toast).toMatchObject({ type: 'success' });
    expect(answer.toast!.content).toContain('已签收');
    const newCard = read({ ...mine, content: JSON.stringify(answer.card!.data) });
    expect(newCard.text).toContain('状态：已签收');
    expect(newCard.buttons.map((b) => b.label)).not.toContain('签收');
    await h.dispatch();
    expect(cardOf(h, P.lead2, code).text).toContain('状态：已签收');
    expect((await stateOf(code)).state).toBe('acknowledged');
  });

  it('a second 签收 click changes nothing and says so', async () => {
    const { code } = await assign();
    const mine = cardOf(h, P.lead1, code);
    await press(h, P.lead1, mine, '签收');
    await h.dispatch();
    const again = await press(h, P.lead2, cardOf(h, P.lead2, code), '签收').catch(() => undefined);
    // lead2's copy was patched without the button; a stale click with the old value is refused.
    const stale = await h.click(P.lead2, {
      messageId: mine.messageId,
      value: mine.buttons.find((b) => b.label === '签收')!.value,
    });
    expect(again).toBeUndefined();
    expect(stale.body.toast?.type).toBe('error');
    expect(stale.body.toast?.content).toContain('已签收');
  });

  it('a replayed card callback (same event_id) is processed once', async () => {
    const { code } = await assign();
    const card = cardOf(h, P.lead1, code);
    const { cardActionEvent } = await import('../support/lark-requests.js');
    const { TOKEN } = await import('../support/harness.js');
    const event = cardActionEvent({
      token: TOKEN,
      operator: P.lead1,
      messageId: card.messageId,
      value: card.buttons.find((b) => b.label === '签收')!.value,
      eventId: 'ev_card_replay',
    });
    const first = (await (await h.post('/lark/cards', event)).json()) as {
      toast: { type: string; content: string };
    };
    const second = (await (await h.post('/lark/cards', event)).json()) as {
      toast: { type: string; content: string };
    };
    expect(first.toast.type).toBe('success');
    expect(second.toast).toMatchObject({ type: 'info', content: '该操作已处理，无需重复提交。' });
    const rows = await h.database.db
      .select()
      .from(auditLog)
      .where(sql`subject_id = ${code} and action = 'problem.acknowledged'`);
    expect(rows).toHaveLength(1);
  });

  it('two racing 签收 clicks make one transition and one history entry', async () => {
    const { code } = await assign();
    const c1 = cardOf(h, P.lead1, code);
    const c2 = cardOf(h, P.lead2, code);
    const v1 = c1.buttons.find((b) => b.label === '签收')!.value;
    const [a, b] = await Promise.all([
      h.click(P.lead1, { messageId: c1.messageId, value: v1 }),
      h.click(P.lead2, { messageId: c2.messageId, value: v1 }),
    ]);
    expect([a.body.toast?.type, b.body.toast?.type].sort()).toEqual(['error', 'success']);
    const audits = await h.database.db
      .select()
      .from(auditLog)
      .where(sql`subject_id = ${code} and action = 'problem.acknowledged'`);
    expect(audits).toHaveLength(1);
  });

  it.each([
    ['a cooperating contact', P.co],
    ["another unit's contact", P.other],
    ['a stranger', P.stranger],
    ['staff', P.staff],
  ])('%s cannot acknowledge, even with the button value', async (_label, who) => {
    const { code } = await assign();
    const card = cardOf(h, P.lead1, code);
    const r = await h.click(who, {
      messageId: card.messageId,
      value: card.buttons.find((b) => b.label === '签收')!.value,
    });
    expect(r.status).toBe(200);
    expect(r.body.toast?.type).toBe('error');
    expect((await stateOf(code)).state).toBe('assigned');
  });

  it('progress: the lead unit moves it to 整改中 with a percentage and outcome; a cooperating unit reports its part', async () => {
    const { code } = await assign();
    await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    await h.dispatch();
    const r = await press(h, P.lead1, cardOf(h, P.lead1, code), '反馈进展', {
      content: '已梳理材料清单',
      percent: '40',
      outcome: '减少材料3项',
    });
    expect(r.toast?.type).toBe('success');
    const p = await stateOf(code);
    expect(p).toMatchObject({ state: 'in_progress', progressPct: 40 });
    const co = await press(h, P.co, cardOf(h, P.co, code), '反馈进展', { content: '民政局已配合核对' });
    expect(co.toast?.type).toBe('success');
    expect((await stateOf(code)).state).toBe('in_progress');
    const bad = await press(h, P.lead1, cardOf(h, P.lead1, code), '反馈进展', {
      content: '比例错误',
      percent: '140',
    });
    expect(bad.toast).toMatchObject({ type: 'error', content: '完成比例须为 0 到 100 之间的整数。' });
  });

  it('progress before 签收 is refused for the lead unit', async () => {
    const { code } = await assign();
    const r = await press(h, P.lead1, cardOf(h, P.lead1, code), '反馈进展', { content: '未签收就反馈' });
    expect(r.toast?.content).toContain('请先签收');
    const c = await press(h, P.lead1, cardOf(h, P.lead1, code), '申请销号', { summary: '未签收就申请' });
    expect(c.toast?.content).toContain('请先签收');
    expect((await stateOf(code)).state).toBe('assigned');
  });
});

describe('延期, 改派, 修改, 撤销', () => {
  // The supervisor decides for their group; problems outside any group go to staff
  // (docs/decisions/0009-separation-of-duties.md).
  beforeAll(async () => {
    await ask(h, P.staff, '/督导组 添加 第一督导组');
    await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(P.sup)}`);
    await ask(h, P.staff, '/督导组 单位 第一督导组 市人社局');
  });
  it('an extension request reaches the supervisor; approval moves the deadline and tells the unit', async () => {
    const { code } = await assign();
    const r = await press(h, P.lead1, cardOf(h, P.lead1, code), '申请延期', {
      new_deadline: '2027-01-15 +0800',
      reason: '涉及系统改造',
    });
    expect(r.toast?.type).toBe('success');
    await h.dispatch();
    const supCard = cardOf(h, P.sup, code);
    expect(supCard.text).toContain('延期申请');
    expect(supCard.text).toContain('2027年1月15日');
    const ok = await press(h, P.sup, supCard, '同意延期');
    expect(ok.toast?.type).toBe('success');
    expect((await stateOf(code)).deadline).toBe('2027-01-15');
    await h.dispatch();
    const told = h.fake.sentTo(P.lead1).map((m) => read(m).text);
    expect(told.some((t) => t.includes(`【${code}】延期申请已同意`))).toBe(true);
    // The request is settled: a second approval is refused.
    const again = await h.click(P.sup, {
      messageId: supCard.messageId,
      value: supCard.buttons.find((b) => b.label === '同意延期')!.value,
    });
    expect(again.body.toast?.type).toBe('error');
  });

  it('a rejected extension keeps the deadline; the unit is told the reason', async () => {
    const { code } = await assign();
    await press(h, P.lead1, cardOf(h, P.lead1, code), '申请延期', {
      new_deadline: '2027-02-01',
      reason: '人手不足',
    });
    await h.dispatch();
    const r = await press(h, P.sup, cardOf(h, P.sup, code), '驳回延期', { reason: '理由不充分' });
    expect(r.toast?.type).toBe('success');
    expect((await stateOf(code)).deadline).toBe('2026-12-31');
    await h.dispatch();
    expect(h.fake.sentTo(P.lead2).some((m) => read(m).text.includes('理由不充分'))).toBe(true);
  });

  it("only the problem's supervisors decide an extension", async () => {
    const { code } = await assign();
    await press(h, P.lead1, cardOf(h, P.lead1, code), '申请延期', {
      new_deadline: '2027-02-01',
      reason: '人手不足',
    });
    await h.dispatch();
    const supCard = cardOf(h, P.sup, code);
    const value = supCard.buttons.find((b) => b.label === '同意延期')!.value;
    for (const who of [P.lead1, P.staff, P.stranger]) {
      const r = await h.click(who, { messageId: supCard.messageId, value });
      expect(r.body.toast?.type).toBe('error');
    }
    expect((await stateOf(code)).deadline).toBe('2026-12-31');
  });

  it('a dispute goes to staff; accepting reassigns to the new unit, which gets fresh cards', async () => {
    const { code } = await assign('不属于本单位 单位:市人社局 期限:2026-12-31');
    await press(h, P.lead1, cardOf(h, P.lead1, code), '申请改派', { reason: '属于教育系统职责' });
    await h.dispatch();
    const staffCard = cardOf(h, P.staff, code);
    expect(staffCard.text).toContain('改派申请');
    const r = await press(h, P.staff, staffCard, '处理改派申请', {
      decision: 'accept',
      lead_unit: '市教育局',
      reason: '同意，转教育局办理',
    });
    expect(r.toast?.type).toBe('success');
    const p = await stateOf(code);
    expect(p.state).toBe('assigned');
    await h.dispatch();
    expect(cardOf(h, P.other, code).buttons.map((b) => b.label)).toContain('签收');
    expect(h.fake.sentTo(P.lead1).some((m) => read(m).text.includes('已改派至其他单位办理'))).toBe(true);
  });

  it('staff edit a problem; the change is audited before → after', async () => {
    const { code } = await assign();
    const staffView = await ask(h, P.staff, `/交办`); // any staff card works to reach the edit action
    void staffView;
    const p = await stateOf(code);
    const r = await h.click(P.staff, {
      messageId: 'om_any',
      value: { action: 'p.edit', pid: p.id },
      formValue: { title: '企业开办材料重复提交（修订）', deadline: '2027-01-10' },
    });
    expect(r.body.toast?.content).toContain('已修改');
    const rows = await h.database.db
      .select()
      .from(auditLog)
      .where(sql`subject_id = ${code} and action = 'problem.edited'`);
    expect(rows[0]!.before).toMatchObject({ title: '企业开办材料重复提交', deadline: '2026-12-31' });
    expect(rows[0]!.after).toMatchObject({ title: '企业开办材料重复提交（修订）', deadline: '2027-01-10' });
    const denied = await h.click(P.lead1, {
      messageId: 'om_any',
      value: { action: 'p.edit', pid: p.id },
      formValue: { title: '越权修改' },
    });
    expect(denied.body.toast?.type).toBe('error');
  });

  it('staff withdraw with a reason; the unit is told; a withdrawn problem cannot be acknowledged', async () => {
    const { code } = await assign();
    const p = await stateOf(code);
    const noReason = await h.click(P.staff, {
      messageId: 'om_x',
      value: { action: 'p.withdraw', pid: p.id },
      formValue: { reason: '' },
    });
    expect(noReason.body.toast?.content).toContain('请填写撤销理由');
    const r = await h.click(P.staff, {
      messageId: 'om_x',
      value: { action: 'p.withdraw', pid: p.id },
      formValue: { reason: '与 DB-2026-001 重复' },
    });
    expect(r.body.toast?.type).toBe('success');
    expect((await stateOf(code)).state).toBe('withdrawn');
    await h.dispatch();
    expect(h.fake.sentTo(P.lead1).some((m) => read(m).text.includes('问题已撤销'))).toBe(true);
    const ack = await h.click(P.lead1, { messageId: 'om_x', value: { action: 'p.ack', pid: p.id } });
    expect(ack.body.toast?.type).toBe('error');
    const lead = await h.click(P.lead1, {
      messageId: 'om_x',
      value: { action: 'p.withdraw', pid: p.id },
      formValue: { reason: 'x' },
    });
    expect(lead.body.toast?.type).toBe('error');
  });

  it('a button value of the wrong shape is refused, not a crash', async () => {
    const r = await h.click(P.lead1, { messageId: 'om_x', value: { action: 'p.ack', pid: 'DROP TABLE' } });
    expect(r.status).toBe(200);
    expect(r.body.toast?.type).toBe('error');
  });
});

describe('cards age (Lark: clicks and patches for 14 days only)', () => {
  it('a 15-day-old card is not patched; /查看 answers with fresh buttons that work', async () => {
    const start = now;
    const { code } = await assign('长期问题卡片 单位:市人社局 期限:2027-06-30');
    const old = cardOf(h, P.lead1, code);
    now = new Date(start.getTime() + 15 * 86_400_000);
    try {
      const patchesBefore = h.fake.patches.length;
      const p = await stateOf(code);
      await h.click(P.staff, {
        messageId: 'om_any',
        value: { action: 'p.edit', pid: p.id },
        formValue: { title: '长期问题卡片（改）' },
      });
      await h.dispatch();
      expect(h.fake.patches.slice(patchesBefore).map((x) => x.messageId)).not.toContain(old.messageId);
      const shown = await ask(h, P.lead1, `/查看 ${code}`);
      expect(shown.text).toContain('长期问题卡片（改）');
      expect(shown.buttons.map((b) => b.label)).toContain('签收');
      expect((await press(h, P.lead1, shown, '签收')).toast?.type).toBe('success');
    } finally {
      now = start;
    }
  });

  it('a patch Lark refuses because the card is too old is given up, not retried', async () => {
    const { code } = await assign('过期卡片 单位:市人社局 期限:2027-06-30');
    const card = cardOf(h, P.lead2, code);
    h.fake.expireMessage(card.messageId);
    await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    const r = await h.dispatch();
    expect(r.givenUp).toBeGreaterThanOrEqual(1);
    const later = await h.dispatch(new Date(Date.now() + 3600_000));
    expect(later.retried + later.givenUp).toBe(0);
  });

  it('a /查看 copy stays true when the problem changes, history included', async () => {
    const { code } = await assign('查看副本 单位:市人社局 期限:2027-06-30');
    const shown = await ask(h, P.sup, `/查看 ${code}`);
    expect(shown.text).toContain('状态：已交办');
    await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    await h.dispatch();
    const latest = read({ ...shown, content: JSON.stringify(h.fake.latest(shown.messageId)) });
    expect(latest.text).toContain('状态：已签收');
    expect(latest.text).toContain('办理记录');
    expect(latest.text).toMatch(/张伟（市人力资源和社会保障局） 签收/);
  });
});

describe('people', () => {
  it("a contact is added by mobile number through the contact API, and gets the unit's open problems", async () => {
    const { code } = await assign('移交测试 单位:市教育局 期限:2027-06-30');
    h.fake.addUser({ open_id: 'ou_new_sun', name: '孙悦', mobile: '+8613912345678' });
    const r = await ask(h, P.staff, '/联络员 添加 市教育局 13912345678');
    expect(r.text).toContain('已设置孙悦为市教育局联络员');
    expect(r.text).toMatch(/补发该单位未办结的问题 \d+ 件/);
    await h.dispatch();
    expect(cardOf(h, 'ou_new_sun', code).buttons.map((b) => b.label)).toContain('签收');
    expect((await ask(h, P.staff, '/联络员 添加 市教育局 13900000000')).text).toContain('未找到手机号');
  });
});

describe('audit trail', () => {
  it('every change is chained and the chain verifies', async () => {
    for (let i = 0; i < 6; i++) {
      const { code } = await assign(`审计链${i} 单位:市人社局 期限:2026-12-31`);
      await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    }
    const v = await verifyAudit(h.database.db);
    expect(v.ok).toBe(true);
    expect(v.rows).toBeGreaterThan(20);
    // Tampering with an old row breaks the chain at that row.
    const [first] = await h.database.db.select().from(auditLog).orderBy(auditLog.seq).limit(1);
    await h.database.db.update(auditLog).set({ actorName: '篡改' }).where(eq(auditLog.seq, first!.seq));
    const broken = await verifyAudit(h.database.db);
    expect(broken).toMatchObject({ ok: false, brokenAt: first!.seq });
    await h.database.db
      .update(auditLog)
      .set({ actorName: first!.actorName })
      .where(eq(auditLog.seq, first!.seq));
  });
});
