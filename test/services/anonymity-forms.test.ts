import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { postMessageEvent } from '../../src/dev/lark-requests.js';
import { ask, P, read, useCampaign } from '../support/campaign.js';
import { dumpText } from '../support/dump.js';
import { type Harness, TOKEN } from '../support/harness.js';

// Every way people type the command (docs/decisions/0004-anonymity.md): each keeps the sender out.
const FORMS: [string, (t: string) => string][] = [
  ['no space', (t) => `/匿名反馈${t}`],
  ['a space', (t) => `/匿名反馈 ${t}`],
  ['full-width colon', (t) => `/匿名反馈：${t}`],
  ['full-width comma', (t) => `/匿名反馈，${t}`],
  ['full-width slash', (t) => `／匿名反馈 ${t}`],
  ['english', (t) => `/anonymous ${t}`],
];

let now = new Date('2026-11-26T03:00:00Z');
let h: Harness;
useCampaign({ clock: () => now }, (x) => {
  h = x;
});

function idsOf(sender: string) {
  const s = sender.replace(/^ou_/, '');
  return [sender, `on_${s}`, `u_${s}`, `oc_p2p_${sender}`];
}

async function leaks(needles: string[]) {
  const db = await dumpText(h.database.db);
  const log = h.logText();
  return needles.flatMap((n) => [
    ...(db.includes(n) ? [`${n} in db`] : []),
    ...(log.includes(n) ? [`${n} in log`] : []),
  ]);
}

function lastTo(to: string) {
  return h.fake.sentTo(to).map(read).at(-1);
}

describe.each(FORMS)('anonymous feedback typed with %s', (label, form) => {
  const slug = label.replace(/\W/g, '');
  const sender = `ou_anon_${slug}_5d2e`;
  const TEXT = `某窗口办理营业执照时王科长刁难（${label}）`;
  const mids = [1, 2, 3, 4, 5].map((i) => `om_anon_${slug}_${i}`);

  it('feedback, receipt, /反馈查询, triage, a second lookup: nothing ties it to the sender', async () => {
    h.fake.addUser({ open_id: sender, name: '某企业负责人' });
    expect((await h.say(sender, form(TEXT), { messageId: mids[0] })).status).toBe(200);
    await h.dispatch();
    const receipt = lastTo(sender)!;
    const code = /回执码：([A-Z0-9-]{14})/.exec(receipt.text)?.[1];
    expect(code, receipt.text).toBeDefined();
    // The web page first, then the chat lookup.
    expect(receipt.text.indexOf('/feedback')).toBeGreaterThan(-1);
    expect(receipt.text.indexOf('/feedback')).toBeLessThan(receipt.text.indexOf('/反馈查询'));
    await h.say(sender, `/反馈查询${code}`, { messageId: mids[1] });
    await h.dispatch();
    expect(lastTo(sender)!.text).toContain('正在研究处理');
    const leads = await ask(h, P.staff, '/线索');
    const cards = [leads, ...h.drain().map(read)];
    const mine = cards.find((c) => c.text.includes(TEXT))!;
    expect(mine).toBeDefined();
    now = new Date(now.getTime() + 1000);
    const r = await h.click(P.staff, {
      messageId: mine.messageId,
      value: mine.buttons.find((b) => b.label === '转为问题')!.value,
      formValue: { title: `营业执照办理刁难 ${label}`, lead_unit: '市人社局', deadline: '2026-12-31 +0800' },
    });
    expect(r.body.toast?.content).toMatch(/已转为 DB-2026-\d{3}/);
    await h.dispatch();
    await h.say(sender, `/receipt ${code}`, { messageId: mids[2] });
    await h.dispatch();
    expect(lastTo(sender)!.text).toContain('已转为督办问题');
    expect(await leaks([...idsOf(sender), ...mids.slice(0, 3)])).toEqual([]);
    expect(h.logText()).not.toContain(TEXT);
  });

  it('a database error in the middle leaves nothing of the sender in the log', async () => {
    const db = h.database.db;
    await db.execute(
      sql.raw(`create or replace function anon_boom() returns trigger language plpgsql as
      $$ begin raise exception 'forced failure'; end $$`),
    );
    await db.execute(
      sql.raw('create trigger anon_boom before insert on outbox for each row execute function anon_boom()'),
    );
    try {
      const res = await h.say(sender, form(`${TEXT}（再次）`), { messageId: mids[3] });
      expect(res.status).toBe(500);
      await h.say(sender, '/反馈查询 AAAA-BBBB-CCCC', { messageId: mids[4] });
    } finally {
      await db.execute(sql.raw('drop trigger anon_boom on outbox'));
    }
    const log = h.logText();
    // The error is logged, by its SQL state, without the statement's values.
    expect(log).toContain('P0001');
    for (const n of [...idsOf(sender), ...mids, 'AAAABBBBCCCC', '再次'])
      expect(log.includes(n) ? `${n} in log` : 'ok').toBe('ok');
  });
});

describe('near misses, unknown commands, rich text', () => {
  it.each([
    '/匿名返馈某窗口办事难钱主任',
    '/匿名 反馈 某窗口办事难钱主任',
    '/anonymus 某窗口办事难钱主任',
    '/反馈査询 ABCD-EFGH-JKMN',
  ])('%s is refused with a hint, and nothing of the sender or the text is kept', async (text) => {
    const sender = `ou_near_${Math.random().toString(16).slice(2, 10)}`;
    h.fake.addUser({ open_id: sender, name: '某人' });
    const mid = `om_near_${sender.slice(8)}`;
    await h.say(sender, text, { messageId: mid });
    await h.dispatch();
    const reply = lastTo(sender)!;
    expect(reply.text).toMatch(/匿名反馈|反馈查询/);
    expect(reply.text).toContain('未保存');
    expect(await leaks([...idsOf(sender), mid])).toEqual([]);
    expect(await dumpText(h.database.db)).not.toContain('钱主任');
    expect(h.logText()).not.toContain('钱主任');
  });

  it('an unknown command is quoted back to 8 characters at most', async () => {
    const reply = await ask(h, P.other, '/某街道窗口办理营业执照周主任拖延');
    expect(reply.text).toContain('「/某街道窗口办理营…」');
    expect(reply.text).not.toContain('周主任');
    expect(await dumpText(h.database.db)).not.toContain('周主任拖延');
  });

  it('a rich-text post with an image sent as anonymous feedback is refused, nothing kept', async () => {
    const sender = 'ou_post_sender_77aa';
    h.fake.addUser({ open_id: sender, name: '某人' });
    await h.post(
      '/lark/events',
      postMessageEvent({
        token: TOKEN,
        sender,
        messageId: 'om_post_anon',
        paragraphs: [
          [{ tag: 'text', text: '/匿名反馈 图文里的刁难经过' }],
          [{ tag: 'img', image_key: 'img_v2_anon_1' }],
        ],
      }),
    );
    await h.dispatch();
    expect(lastTo(sender)!.text).toContain('纯文字');
    expect(await leaks([...idsOf(sender), 'om_post_anon', 'img_v2_anon_1', '图文里的刁难经过'])).toEqual([]);
  });

  it('/反馈查询 in a group is refused and the code is not kept', async () => {
    await h.say(P.other, '/反馈查询 ABCD-EFGH-JKMN', { chatId: 'oc_group_q', messageId: 'om_group_q' });
    await h.dispatch();
    const reply = h.fake.messages.find((m) => m.replyTo === 'om_group_q');
    expect(read(reply!).text).toContain('单聊');
    expect(await dumpText(h.database.db)).not.toContain('ABCD-EFGH-JKMN');
  });
});

describe('logs', () => {
  it('an anonymous message logs the same line as any command; the web form POST logs nothing', async () => {
    const start = h.logs.length;
    await h.say(P.other, '/帮助');
    await h.say('ou_shape_anon_1', '/匿名反馈 日志形状');
    const lines = h.logs.slice(start).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(2);
    const shape = (l: Record<string, unknown>) => ({ ...l, time: 0, requestId: 0, ms: 0 });
    expect(shape(lines[1]!)).toEqual(shape(lines[0]!));
    expect(lines[0]).not.toHaveProperty('eventId');
    const before = h.logs.length;
    await fetch(`${h.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'lookup', code: 'ABCD-EFGH-JKMN' }),
    });
    expect(h.logs.slice(before).filter((l) => l.path === '/feedback')).toEqual([]);
  });
});

describe('sensitive answers go one-to-one', () => {
  it.each(['/线索', '/审计'])(
    '%s asked in a group answers in the private chat, with a note in the group',
    async (cmd) => {
      await h.say(P.staff, '/匿名反馈 私信测试'); // a pending item for /线索
      const mid = `om_grp_${cmd.length}_${Date.now()}`;
      await h.say(P.staff, cmd, { chatId: 'oc_group_big', messageId: mid });
      await h.dispatch();
      const inGroup = h.fake.messages.filter((m) => m.replyTo === mid).map(read);
      expect(inGroup.map((m) => m.text)).toEqual([expect.stringContaining('已私信发送')]);
      const priv = h.fake.sentTo(P.staff).map(read).at(-1)!;
      expect(priv.kind).toBe('send');
      expect(priv.text.length).toBeGreaterThan(0);
    },
  );

  it('/导出 asked in a group sends the file to the private chat', async () => {
    const before = h.fake.sentTo(P.staff).length;
    const mid = `om_grp_export_${Date.now()}`;
    await h.say(P.staff, '/导出', { chatId: 'oc_group_big', messageId: mid });
    await h.dispatch();
    const inGroup = h.fake.messages.filter((m) => m.replyTo === mid).map(read);
    expect(inGroup.map((m) => m.text)).toEqual([expect.stringContaining('已私信发送')]);
    expect(
      h.fake
        .sentTo(P.staff)
        .slice(before)
        .map((m) => m.msgType),
    ).toContain('file');
  });

  it('/清单 keeps answering in the group', async () => {
    const mid = `om_grp_list_${Date.now()}`;
    await h.say(P.staff, '/清单', { chatId: 'oc_group_big', messageId: mid });
    await h.dispatch();
    const inGroup = h.fake.messages.filter((m) => m.replyTo === mid).map(read);
    expect(inGroup).toHaveLength(1);
    expect(inGroup[0]!.text).not.toContain('已私信发送');
  });
});
