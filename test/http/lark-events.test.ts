import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox, processedEvents } from '../../db/schema/index.js';
import { ENCRYPT_KEY, type Harness, renderMessage, startHarness, TOKEN } from '../support/harness.js';
import {
  encryptLark,
  larkRequest,
  signLark,
  textMessageEvent,
  urlVerification,
} from '../support/lark-requests.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.fake.addUser({ open_id: 'ou_alice', name: '张三', email: 'zhangsan@example.gov.cn' });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.drain();
});

const count = async (table: typeof processedEvents | typeof outbox) =>
  (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

async function replies() {
  await h.dispatch();
  return h.drain().map((m) => ({ ...m, text: renderMessage(m.msgType, m.content).text }));
}

describe('url_verification', () => {
  it('answers the plain challenge with the right token', async () => {
    const res = await h.post('/lark/events', urlVerification(TOKEN, 'ch_plain'), { encrypt: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch_plain' });
  });

  it('answers the encrypted challenge', async () => {
    const res = await h.post('/lark/events', urlVerification(TOKEN, 'ch_enc'));
    expect(await res.json()).toEqual({ challenge: 'ch_enc' });
  });

  it('refuses a challenge with a wrong token', async () => {
    const res = await h.post('/lark/events', urlVerification('wrong', 'x'), { encrypt: false });
    expect(res.status).toBe(401);
  });
});

describe('refused requests change nothing', () => {
  const event = (id: string) =>
    textMessageEvent({ token: TOKEN, sender: 'ou_alice', text: '/帮助', eventId: id });

  it('bad signature → 401, and the genuine delivery later is processed', async () => {
    const req = larkRequest(event('ev_badsig'), { encryptKey: ENCRYPT_KEY });
    const res = await fetch(`${h.url}/lark/events`, {
      method: 'POST',
      headers: { ...req.headers, 'x-lark-signature': 'f'.repeat(64) },
      body: req.body,
    });
    expect(res.status).toBe(401);
    expect((await h.post('/lark/events', event('ev_badsig'))).status).toBe(200);
    expect((await replies()).length).toBe(1);
  });

  it('tampered body (signed bytes changed) → 401', async () => {
    const req = larkRequest(event('ev_tamper'), { encryptKey: ENCRYPT_KEY });
    const other = JSON.stringify({ encrypt: encryptLark(JSON.stringify(event('ev_tamper2')), ENCRYPT_KEY) });
    const res = await fetch(`${h.url}/lark/events`, { method: 'POST', headers: req.headers, body: other });
    expect(res.status).toBe(401);
  });

  it('the signature is over the raw bytes: re-formatted JSON does not verify', async () => {
    // The SDK would accept this (it hashes JSON.stringify of the parsed body); we do not.
    const compact = larkRequest(event('ev_spaces'), { encryptKey: ENCRYPT_KEY });
    const spaced = compact.body.replace('{"encrypt":', '{ "encrypt": ');
    const res = await fetch(`${h.url}/lark/events`, {
      method: 'POST',
      headers: compact.headers,
      body: spaced,
    });
    expect(res.status).toBe(401);
  });

  it('a correctly signed, re-formatted body is accepted (raw bytes are what count)', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const body = `{ "encrypt" : ${JSON.stringify(encryptLark(JSON.stringify(event('ev_fmt')), ENCRYPT_KEY))} }`;
    const res = await fetch(`${h.url}/lark/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-lark-request-timestamp': ts,
        'x-lark-request-nonce': 'n1',
        'x-lark-signature': signLark(ts, 'n1', ENCRYPT_KEY, body),
      },
      body,
    });
    expect(res.status).toBe(200);
  });

  it('wrong verification token inside a well-signed body → 401', async () => {
    const res = await h.post(
      '/lark/events',
      textMessageEvent({ token: 'not-ours', sender: 'ou_alice', text: '/帮助', eventId: 'ev_tok' }),
    );
    expect(res.status).toBe(401);
    const ids = await h.database.db.select().from(processedEvents).where(sql`event_id = 'ev_tok'`);
    expect(ids).toHaveLength(0);
  });

  it('a request older than 12 hours → 401', async () => {
    const res = await h.post('/lark/events', event('ev_old'), {
      timestamp: Math.floor(Date.now() / 1000) - 13 * 3600,
    });
    expect(res.status).toBe(401);
  });

  it('an unencrypted event when an encrypt key is configured → 401', async () => {
    const res = await h.post('/lark/events', event('ev_plain'), { encrypt: false });
    expect(res.status).toBe(401);
  });

  it('garbage → 400, a wrong payload shape → 400, never 5xx', async () => {
    const junk = await fetch(`${h.url}/lark/events`, { method: 'POST', body: 'not json' });
    expect(junk.status).toBe(400);
    const shape = await h.post('/lark/events', { schema: '2.0', header: { event_id: 'x' }, event: {} });
    expect(shape.status).toBe(400);
    const badMsg = await h.post('/lark/events', {
      schema: '2.0',
      header: { event_id: 'ev_bad', event_type: 'im.message.receive_v1', token: TOKEN },
      event: { message: 1 },
    });
    expect(badMsg.status).toBe(400);
  });
});

describe('commands', () => {
  it('/help replies to the command message with the help card', async () => {
    const res = await h.say('ou_alice', '/help', { messageId: 'om_help_1' });
    expect(res.status).toBe(200);
    const [r, ...rest] = await replies();
    expect(rest).toHaveLength(0);
    expect(r!.kind).toBe('reply');
    expect(r!.replyTo).toBe('om_help_1');
    expect(r!.msgType).toBe('interactive');
    expect(r!.text).toContain('使用说明');
    expect(r!.text).toContain('/我是谁');
  });

  it('/我是谁 shows the open_id, the name from the contact API and the roles', async () => {
    await h.say('ou_alice', '/我是谁');
    const [r] = await replies();
    expect(r!.text).toContain('ou_alice');
    expect(r!.text).toContain('张三');
    expect(r!.text).toMatch(/角色.*无/);
  });

  it('an admin from ADMIN_OPEN_IDS is shown as 管理员', async () => {
    await h.say('ou_admin', '／whoami');
    const [r] = await replies();
    expect(r!.text).toContain('管理员');
  });

  it('an unknown command gets a helpful reply with a suggestion', async () => {
    await h.say('ou_alice', '/帮主');
    const [r] = await replies();
    expect(r!.text).toContain('未识别的命令');
    expect(r!.text).toContain('/帮助');
  });

  it('a message that is not a command gets a short hint', async () => {
    await h.say('ou_alice', '你好');
    const [r] = await replies();
    expect(r!.text).toContain('/帮助');
  });

  it('in a group, the bot mention is stripped and the command understood', async () => {
    await h.say('ou_alice', '@_user_1 /我是谁', {
      chatId: 'oc_group_1',
      mentions: [{ key: '@_user_1', openId: h.fake.botOpenId, name: '督办机器人', userId: '' }],
    });
    const [r] = await replies();
    expect(r!.text).toContain('我的身份');
    expect(r!.chatId).toBe('oc_unknown'); // the fake does not know the group message; the reply still went to it
  });
});

describe('exactly-once processing', () => {
  it('a redelivered event_id is processed once', async () => {
    const e = textMessageEvent({ token: TOKEN, sender: 'ou_alice', text: '/帮助', eventId: 'ev_dup' });
    const a = await h.post('/lark/events', e);
    const b = await h.post('/lark/events', e);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await replies()).toHaveLength(1);
  });

  it('concurrent duplicates are processed once', async () => {
    const e = textMessageEvent({ token: TOKEN, sender: 'ou_alice', text: '/帮助', eventId: 'ev_race' });
    const rs = await Promise.all([1, 2, 3, 4].map(() => h.post('/lark/events', e)));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await replies()).toHaveLength(1);
  });

  it('a failure answers 5xx, leaves nothing, and the redelivery is processed once', async () => {
    const db = h.database.db;
    // A real failure inside the transaction: the outbox insert raises.
    await db.execute(
      sql`create or replace function duban_test_fail() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`,
    );
    await db.execute(
      sql`create trigger duban_test_fail before insert on outbox for each row execute function duban_test_fail()`,
    );
    const before = await count(outbox);
    const e = textMessageEvent({ token: TOKEN, sender: 'ou_alice', text: '/帮助', eventId: 'ev_fail' });
    const failed = await h.post('/lark/events', e);
    expect(failed.status).toBe(500);
    expect(await db.select().from(processedEvents).where(sql`event_id = 'ev_fail'`)).toHaveLength(0);
    await db.execute(sql`drop trigger duban_test_fail on outbox`);
    const retried = await h.post('/lark/events', e);
    expect(retried.status).toBe(200);
    expect((await h.post('/lark/events', e)).status).toBe(200);
    expect(await count(outbox)).toBe(before + 1);
    expect(await replies()).toHaveLength(1);
  });
});

describe('health', () => {
  it('GET /healthz answers ok while the database answers', async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('logs one JSON line per request, without the event id or the command, and never the token or body', async () => {
    const start = h.logs.length;
    await h.say('ou_alice', '/帮助', { eventId: 'ev_logged' });
    const line = h.logs.slice(start).find((l) => l.msg === 'request');
    // The same line for every chat message: an anonymous one must not stand out (docs/decisions/0004-anonymity.md).
    expect(line).toMatchObject({ path: '/lark/events', status: 200, action: 'message' });
    expect(h.logText()).not.toContain('ev_logged');
    expect(typeof line!.ms).toBe('number');
    expect(h.logText()).not.toContain(TOKEN);
    expect(h.logText()).not.toContain(ENCRYPT_KEY);
  });
});
