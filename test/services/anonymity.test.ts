import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ask, cardOf, P, read, setupCampaign } from '../support/campaign.js';
import { dumpText } from '../support/dump.js';
import { type Harness, startHarness } from '../support/harness.js';

const SENDER = 'ou_anon_sender_7f3a';
const ids = [SENDER, 'on_anon_sender_7f3a', 'u_anon_sender_7f3a', `oc_p2p_${SENDER}`];
let now = new Date('2026-11-26T03:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  h.fake.addUser({ open_id: SENDER, name: '某企业负责人', email: 'boss@firm.example' });
  // The sender has used the bot before: their name is on file — the feedback must not be linkable to it.
  await ask(h, SENDER, '/我是谁');
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.drain();
});

/** Everything duban keeps: every table, and every log line. */
async function kept() {
  return { db: await dumpText(h.database.db), log: h.logText() };
}

/** /反馈查询 answers as a new message to the asker (never a reply: docs/decisions/0004-anonymity.md). */
async function lookup(text: string) {
  await h.say(P.stranger, text);
  await h.dispatch();
  return h.fake.sentTo(P.stranger).map(read).at(-1)!;
}

function receiptOf(to: string) {
  const m = h.fake
    .sentTo(to)
    .map(read)
    .reverse()
    .find((x) => x.text.includes('回执码'));
  return /回执码：([A-Z0-9-]{14})/.exec(m?.text ?? '')?.[1];
}

describe('anonymous feedback in chat', () => {
  const TEXT = '某街道窗口办理营业执照时要求重复提交材料，我们公司（某某科技）已跑了三趟';

  it('keeps nothing that links the submission to its sender, after the receipt was delivered', async () => {
    const res = await h.say(SENDER, `/匿名反馈 ${TEXT}`, { messageId: 'om_anon_msg_1' });
    expect(res.status).toBe(200);
    await h.dispatch();
    const code = receiptOf(SENDER);
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    // A new message, not a reply to the user's message.
    expect(h.fake.messages.find((m) => m.json && JSON.stringify(m.json).includes(code!))!.kind).toBe('send');
    const k = await kept();
    expect(k.db).toContain(TEXT);
    // The sender's /我是谁 left their name on file; that row must not tie them to the feedback.
    for (const id of ids)
      expect({ id, hits: k.db.split(id).length - 1 }).toEqual({ id, hits: hitsBefore.get(id) });
    expect(k.db).not.toContain('om_anon_msg_1');
    expect(k.log).not.toContain('om_anon_msg_1');
    for (const id of ids) expect(k.log.includes(id) ? `${id} in log` : 'ok').toBe('ok');
    expect(k.log).not.toContain(TEXT);
    expect(k.db).not.toContain(code!.replace(/-/g, ''));
  });

  it('and after the receipt was given up (Lark refused it)', async () => {
    const other = 'ou_anon_refused_9c1b';
    h.fake.addUser({ open_id: other, name: '另一人' });
    h.fake.rejectReceiver(other, 230013);
    await h.say(other, '/匿名反馈 第二条匿名反馈', { messageId: 'om_anon_msg_2' });
    await h.dispatch();
    await h.dispatch();
    const k = await kept();
    expect(k.db).toContain('第二条匿名反馈');
    for (const id of [
      other,
      'on_anon_refused_9c1b',
      'u_anon_refused_9c1b',
      `oc_p2p_${other}`,
      'om_anon_msg_2',
    ]) {
      expect(k.db.includes(id) ? `${id} in db` : 'ok').toBe('ok');
      expect(k.log.includes(id) ? `${id} in log` : 'ok').toBe('ok');
    }
    // Staff are told a receipt failed, without naming anyone.
    const notice = h.fake
      .sentTo(P.staff)
      .map(read)
      .find((m) => m.text.includes('消息未送达'));
    expect(notice?.text).toContain('匿名回执');
  });

  it('is refused in a group chat and stores nothing of it', async () => {
    await h.say(SENDER, '/匿名反馈 群里发的匿名内容', { chatId: 'oc_group_x', messageId: 'om_group_anon' });
    await h.dispatch();
    const reply = h.fake.messages.find((m) => m.replyTo === 'om_group_anon');
    expect(read(reply!).text).toContain('只能在与机器人的单聊中发送');
    expect((await kept()).db).not.toContain('群里发的匿名内容');
  });

  it('answers /反馈查询 with what became of it: triage into a problem with a redacted public title', async () => {
    await h.say(SENDER, `/匿名反馈 ${TEXT}（第三条）`);
    await h.dispatch();
    const code = receiptOf(SENDER)!;
    expect((await lookup(`/反馈查询 ${code}`)).text).toContain('正在研究处理');
    expect((await lookup('/反馈查询 AAAA-BBBB-CCCC')).text).toContain('未找到该回执码');
    const leads = await ask(h, P.staff, '/线索');
    const cards = [
      leads,
      ...h
        .drain()
        .map(read)
        .filter((m) => m.text.includes('匿名反馈 #')),
    ];
    const mine = cards.find((c) => c.text.includes('（第三条）'))!;
    expect(mine).toBeDefined();
    const convert = mine.buttons.find((b) => b.label === '转为问题')!;
    const r = await h.click(P.staff, {
      messageId: mine.messageId,
      value: convert.value,
      formValue: {
        title: '营业执照办理要求重复提交材料',
        public_title: '某街道窗口营业执照办理材料重复提交',
        lead_unit: '市人社局',
        deadline: '2026-12-31 +0800',
        category: '政务服务环境',
        timeliness: '立行立改',
      },
    });
    expect(r.body.toast?.content).toMatch(/已转为 DB-2026-\d{3}/);
    const problemCode = /DB-2026-\d{3}/.exec(r.body.toast!.content)![0];
    await h.dispatch();
    // The unit receives the text unaltered.
    expect(cardOf(h, P.lead1, problemCode).text).toContain(`${TEXT}（第三条）`);
    expect(cardOf(h, P.lead1, problemCode).text).toContain('来源：线上匿名');
    expect((await lookup(`/反馈查询 ${code}`)).text).toContain(`已转为督办问题 ${problemCode}`);
    // Only staff may triage.
    const denied = await h.click(P.lead1, {
      messageId: mine.messageId,
      value: convert.value,
      formValue: { title: 'x' },
    });
    expect(denied.body.toast?.type).toBe('error');
  });

  it('a dismissal with a reason is what the receipt code shows', async () => {
    await h.say(SENDER, '/匿名反馈 不属于营商环境的问题');
    await h.dispatch();
    const code = receiptOf(SENDER)!;
    await ask(h, P.staff, '/线索');
    const card = [...h.fake.messages]
      .reverse()
      .map(read)
      .find((m) => m.text.includes('不属于营商环境的问题'))!;
    const dismiss = card.buttons.find((b) => b.label === '不予采纳')!;
    const r = await h.click(P.staff, {
      messageId: card.messageId,
      value: dismiss.value,
      formValue: { reason: '已转交信访部门处理' },
    });
    expect(r.body.toast?.type).toBe('success');
    expect((await lookup(`/反馈查询 ${code}`)).text).toContain('未予采纳。说明：已转交信访部门处理');
  });
});

describe('the web form', () => {
  it('takes a submission with a signed form token and shows the receipt code; lookup works; nothing identifying is stored', async () => {
    const page = await (await fetch(`${h.url}/feedback`)).text();
    expect(page).toContain('匿名反馈');
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${h.url}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });
    // Too fast (a bot): refused.
    const fast = await post({ action: 'submit', token, text: '网页匿名反馈' });
    expect(fast.status).toBe(400);
    expect(await fast.text()).toContain('提交过快');
    now = new Date(now.getTime() + 10_000);
    const ok = await post(
      { action: 'submit', token, text: '网页匿名反馈：开发区用电报装周期长' },
      { 'x-forwarded-for': '203.0.113.77', 'user-agent': 'TestBrowser/1.0' },
    );
    expect(ok.status).toBe(200);
    const code = /class="code">([A-Z0-9-]+)</.exec(await ok.text())![1]!;
    // The same token again: refused.
    expect((await post({ action: 'submit', token, text: '重放' })).status).toBe(400);
    // Honeypot.
    expect((await post({ action: 'submit', token: 'x', text: 'spam', website: 'http://spam' })).status).toBe(
      400,
    );
    const look = await post({ action: 'lookup', code });
    expect(await look.text()).toContain('已收到');
    const k = await kept();
    expect(k.db).toContain('开发区用电报装周期长');
    for (const s of ['203.0.113.77', 'TestBrowser']) {
      expect(k.db).not.toContain(s);
      expect(k.log).not.toContain(s);
    }
  });
});

/** How often each of the sender's ids is in the database before the feedback (their /我是谁 left a people row and a reply). */
const hitsBefore = new Map<string, number>();
beforeAll(async () => {
  await h.dispatch();
  const before = await dumpText(h.database.db);
  for (const id of ids) hitsBefore.set(id, before.split(id).length - 1);
});
