/**
 * Proves the fake Lark API and the webhook builders against the real @larksuiteoapi/node-sdk.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLark, LarkCodes, startFakeLark } from '../support/fake-lark.js';
import {
  cardActionEvent,
  encryptLark,
  fileMessageEvent,
  larkRequest,
  postMessageEvent,
  signLark,
  textMessageEvent,
  urlVerification,
} from '../support/lark-requests.js';

let fake: FakeLark;
let client: lark.Client;

// The SDK logs every failed call at error level; the failures below are deliberate.
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
// A fresh cache per client: the SDK's default token cache is module-global and keyed by appId (docs/lark.md).
const newClient = (f: FakeLark, secret = f.appSecret) =>
  new lark.Client({
    appId: f.appId,
    appSecret: secret,
    domain: f.url,
    loggerLevel: lark.LoggerLevel.error,
    logger: quiet,
    cache: new lark.DefaultCache(),
  });

/** The SDK's axios throws on non-2xx; pull out what a caller would inspect. */
function httpError(e: unknown): {
  status: number;
  data: { code?: number; msg?: string };
  headers: Record<string, unknown>;
} {
  const r = e as {
    isAxiosError?: boolean;
    response?: { status: number; data: { code?: number }; headers: Record<string, unknown> };
  };
  if (!r.isAxiosError || !r.response) throw e;
  return r.response;
}
async function rejects(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return httpError(e);
  }
  throw new Error('expected the call to fail');
}
async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
const text = (t: string) => JSON.stringify({ text: t });
const card = (n = 0) =>
  JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x'.repeat(n) }] } });

beforeAll(async () => {
  fake = await startFakeLark();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  client = newClient(fake);
});

describe('fake Lark Open API driven by the real SDK', () => {
  it('fetches the tenant token once and reuses it', async () => {
    await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_a', msg_type: 'text', content: text('1') },
    });
    await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_a', msg_type: 'text', content: text('2') },
    });
    const tokenCalls = fake.requests.filter(
      (r) => r.path === '/open-apis/auth/v3/tenant_access_token/internal',
    );
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.body).toEqual({ app_id: 'cli_a0b1c2d3e4f50001', app_secret: 'secret_test' });
    const auth = fake.requests
      .filter((r) => r.path === '/open-apis/im/v1/messages')
      .map((r) => r.headers.authorization);
    expect(auth[0]).toMatch(/^Bearer t-/);
    expect(auth[1]).toBe(auth[0]);
  });

  it('rejects a wrong app secret and requests without a valid token', async () => {
    await expect(
      newClient(fake, 'wrong').im.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_a', msg_type: 'text', content: text('x') },
      }),
    ).rejects.toThrow(/failed to get tenant_access_token, code: 10014/);
    expect(fake.messages).toHaveLength(0);
    const res = await fetch(`${fake.url}/open-apis/bot/v3/info`, {
      headers: { authorization: 'Bearer t-nope' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(LarkCodes.invalidToken);
  });

  it('records sends and replies with Lark-shaped data', async () => {
    const sent = await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_a', msg_type: 'text', content: text('hello') },
    });
    expect(sent.code).toBe(0);
    expect(sent.data?.message_id).toMatch(/^om_/);
    expect(sent.data?.chat_id).toBe('oc_p2p_ou_a');
    expect(sent.data?.sender).toMatchObject({
      id: 'cli_a0b1c2d3e4f50001',
      id_type: 'app_id',
      sender_type: 'app',
    });
    expect(sent.data?.create_time).toMatch(/^\d{13}$/);

    fake.addInboundMessage('om_user1', 'oc_g1');
    const rep = await client.im.message.reply({
      path: { message_id: 'om_user1' },
      data: { msg_type: 'text', content: text('got it'), reply_in_thread: true },
    });
    expect(rep.data?.chat_id).toBe('oc_g1');
    expect(fake.messages.map((m) => [m.kind, m.chatId, m.replyTo])).toEqual([
      ['send', 'oc_p2p_ou_a', undefined],
      ['reply', 'oc_g1', 'om_user1'],
    ]);
    expect(fake.messages[1]?.replyInThread).toBe(true);
    expect(fake.messages[0]?.json).toEqual({ text: 'hello' });
    expect(fake.sentTo('ou_a')).toHaveLength(1);
    expect(fake.sentTo('oc_g1')).toHaveLength(1);

    // A reply to a bot message inherits its receiver.
    await client.im.message.reply({
      path: { message_id: sent.data?.message_id ?? '' },
      data: { msg_type: 'text', content: text('again') },
    });
    expect(fake.sentTo('ou_a')).toHaveLength(2);
  });

  it('deduplicates the same uuid into one message', async () => {
    const req = {
      params: { receive_id_type: 'chat_id' as const },
      data: { receive_id: 'oc_1', msg_type: 'text', content: text('once'), uuid: 'u-1' },
    };
    const a = await client.im.message.create(req);
    const b = await client.im.message.create(req);
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(fake.messages).toHaveLength(1);
  });

  it('validates content and size', async () => {
    const bad = await rejects(
      client.im.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_a', msg_type: 'text', content: 'not json' },
      }),
    );
    expect(bad.data.code).toBe(LarkCodes.invalidParam);
    const big = await rejects(
      client.im.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_a', msg_type: 'interactive', content: card(31 * 1024) },
      }),
    );
    expect([big.status, big.data.code]).toEqual([400, 230025]);
  });

  it('failNext 429 makes the SDK throw an AxiosError carrying status and headers', async () => {
    fake.failNext('/im/v1/messages', {
      status: 429,
      body: { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-reset': '1' },
    });
    const e = await rejects(
      client.im.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_a', msg_type: 'text', content: text('x') },
      }),
    );
    expect(e.status).toBe(429);
    expect(e.data.code).toBe(99991400);
    expect(e.headers['x-ogw-ratelimit-reset']).toBe('1');
    // Only once: the retry goes through.
    await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_a', msg_type: 'text', content: text('x') },
    });
    expect(fake.messages).toHaveLength(1);
  });

  it('rejectReceiver fails sends with HTTP 400 and the Lark code', async () => {
    fake.rejectReceiver('oc_gone', 230002);
    const e = await rejects(
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_gone', msg_type: 'text', content: text('x') },
      }),
    );
    expect([e.status, e.data.code]).toEqual([400, 230002]);
    expect(fake.messages).toHaveLength(0);
  });

  it('patches cards; expired or unknown messages fail', async () => {
    const sent = await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_a', msg_type: 'interactive', content: card(1) },
    });
    const id = sent.data?.message_id ?? '';
    const res = await client.im.message.patch({ path: { message_id: id }, data: { content: card(2) } });
    expect(res.code).toBe(0);
    expect(fake.patches).toEqual([{ messageId: id, content: card(2), at: expect.any(Number) }]);
    expect(fake.latest(id)).toEqual(JSON.parse(card(2)));

    fake.expireMessage(id);
    const old = await rejects(
      client.im.message.patch({ path: { message_id: id }, data: { content: card(3) } }),
    );
    expect([old.status, old.data.code]).toEqual([400, LarkCodes.messageTooOld]);
    const unknown = await rejects(
      client.im.message.patch({ path: { message_id: 'om_nope' }, data: { content: card(3) } }),
    );
    expect(unknown.data.code).toBe(LarkCodes.invalidParam);
  });

  it('records card updates and urgents', async () => {
    await client.request({
      method: 'POST',
      url: '/open-apis/interactive/v1/card/update',
      data: { token: 'c-1', card: { schema: '2.0' } },
    });
    expect(fake.cardUpdates).toEqual([{ token: 'c-1', card: { schema: '2.0' }, at: expect.any(Number) }]);
    const sent = await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_a', msg_type: 'text', content: text('x') },
    });
    const u = await client.im.message.urgentApp({
      path: { message_id: sent.data?.message_id ?? '' },
      params: { user_id_type: 'open_id' },
      data: { user_id_list: ['ou_a'] },
    });
    expect(u.data?.invalid_user_id_list).toEqual([]);
    expect(fake.urgents).toEqual([
      { messageId: sent.data?.message_id, userIds: ['ou_a'], mode: 'app', at: expect.any(Number) },
    ]);
    // Not a member of the message's chat: named invalid, not urged.
    const other = await client.im.message.urgentSms({
      path: { message_id: sent.data?.message_id ?? '' },
      params: { user_id_type: 'open_id' },
      data: { user_id_list: ['ou_b'] },
    });
    expect(other.data?.invalid_user_id_list).toEqual(['ou_b']);
    expect(fake.urgents).toHaveLength(1);
    // Not the bot's message; and the 200-unread limit.
    const urge = (message_id: string) =>
      rejects(
        client.im.message.urgentApp({
          path: { message_id },
          params: { user_id_type: 'open_id' },
          data: { user_id_list: ['ou_a'] },
        }),
      );
    expect((await urge('om_nope')).data.code).toBe(LarkCodes.notSender);
    fake.setUnreadUrgents('ou_a', 200);
    expect((await urge(sent.data?.message_id ?? '')).data.code).toBe(LarkCodes.urgentLimit);
    expect(fake.urgents).toHaveLength(1);
  });

  it('serves message resources as a stream', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    fake.addResource('om_in', 'file_v3_x', bytes, 'application/pdf');
    const res = await client.im.messageResource.get({
      path: { message_id: 'om_in', file_key: 'file_v3_x' },
      params: { type: 'file' },
    });
    expect(String(res.headers['content-type'])).toBe('application/pdf');
    expect(await readAll(res.getReadableStream())).toEqual(bytes);
    const missing = await rejects(
      client.im.messageResource.get({
        path: { message_id: 'om_in', file_key: 'nope' },
        params: { type: 'file' },
      }),
    );
    expect(missing.data).toBeDefined(); // a stream: the code is in the body, status is 400
    expect(missing.status).toBe(400);
  });

  it('records multipart file and image uploads with exact bytes', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00, 0xc3, 0x28]); // not valid UTF-8 on purpose
    const f = await client.im.file.create({
      data: { file_type: 'xls', file_name: '整改台账.xlsx', file: bytes },
    });
    expect(f?.file_key).toMatch(/^file_v3_/);
    await client.im.file.create({
      data: { file_type: 'stream', file_name: 'a.bin', file: Buffer.from('abc') },
    });
    expect(fake.uploads.map((u) => [u.fileType, u.fileName])).toEqual([
      ['xls', '整改台账.xlsx'],
      ['stream', 'a.bin'],
    ]);
    expect(fake.uploads[0]?.bytes).toEqual(bytes);
    const img = await client.im.image.create({ data: { image_type: 'message', image: bytes } });
    expect(img?.image_key).toMatch(/^img_v3_/);
    expect(fake.imageUploads[0]?.bytes).toEqual(bytes);
  });

  it('serves contact users and batchGetId', async () => {
    fake.addUser({ open_id: 'ou_zhang', name: '张三', email: 'zhang@example.com', mobile: '+8613800000001' });
    const u = await client.contact.user.get({
      path: { user_id: 'ou_zhang' },
      params: { user_id_type: 'open_id' },
    });
    expect(u.data?.user).toMatchObject({
      open_id: 'ou_zhang',
      union_id: 'on_zhang',
      user_id: 'u_zhang',
      name: '张三',
    });
    const missing = await rejects(
      client.contact.user.get({ path: { user_id: 'ou_nobody' }, params: { user_id_type: 'open_id' } }),
    );
    expect(missing.data.code).toBe(LarkCodes.noUserAuthority);

    const ids = await client.contact.user.batchGetId({
      params: { user_id_type: 'open_id' },
      data: { emails: ['Zhang@example.com', 'none@example.com'], mobiles: ['13800000001'] },
    });
    expect(ids.data?.user_list).toEqual([
      { user_id: 'ou_zhang', email: 'Zhang@example.com', status: expect.any(Object) },
      { email: 'none@example.com' },
      { user_id: 'ou_zhang', mobile: '13800000001', status: expect.any(Object) },
    ]);
  });

  it('creates chats and adds members', async () => {
    const c = await client.im.chat.create({
      params: { user_id_type: 'open_id' },
      data: { name: '督办群', user_id_list: ['ou_a'] },
    });
    const chatId = c.data?.chat_id ?? '';
    await client.im.chatMembers.create({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id' },
      data: { id_list: ['ou_b'] },
    });
    expect(fake.chats).toEqual([{ chatId, name: '督办群', members: ['ou_a', 'ou_b'] }]);
  });

  it('returns bot info unwrapped, like the real API', async () => {
    const r = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
      code: number;
      bot: { open_id: string; app_name: string };
    };
    expect(r.code).toBe(0);
    expect(r.bot).toMatchObject({ open_id: 'ou_bot', app_name: '督办', activate_status: 2 });
  });

  it('answers unknown routes with 404', async () => {
    const res = await fetch(`${fake.url}/open-apis/nope`);
    expect([res.status, await res.json()]).toEqual([404, { code: 404, msg: 'not found' }]);
  });
});

describe('webhook builders agree with the SDK', () => {
  const ENC = 'enc_key_test';

  it('encryptLark round-trips through lark.AESCipher', () => {
    const plain = JSON.stringify({ hello: '世界' });
    expect(new lark.AESCipher(ENC).decrypt(encryptLark(plain, ENC))).toBe(plain);
  });

  it('signLark matches a hand computation', () => {
    const want = createHash('sha256').update(`1700000000n1${ENC}{"a":1}`).digest('hex');
    expect(signLark('1700000000', 'n1', ENC, '{"a":1}')).toBe(want);
  });

  it('EventDispatcher verifies, decrypts and dispatches a larkRequest', async () => {
    const seen: Record<string, unknown>[] = [];
    const d = new lark.EventDispatcher({
      encryptKey: ENC,
      verificationToken: 'vt',
      loggerLevel: lark.LoggerLevel.error,
    }).register({
      'im.message.receive_v1': async (e) => {
        seen.push(e as unknown as Record<string, unknown>);
        return 'ok';
      },
      'card.action.trigger': async () => ({ toast: { type: 'success', content: 'done' } }),
    });
    const toData = (r: { headers: Record<string, string>; body: string }) =>
      Object.assign(Object.create({ headers: r.headers }) as object, JSON.parse(r.body) as object);

    const ev = textMessageEvent({
      token: 'vt',
      sender: 'ou_a',
      text: '@_user_1 已整改',
      mentions: [{ key: '@_user_1', openId: 'ou_bot', name: '督办', userId: '' }],
    });
    const req = larkRequest(ev, { encryptKey: ENC });
    expect(Object.keys(JSON.parse(req.body) as object)).toEqual(['encrypt']);
    expect(await d.invoke(toData(req))).toBe('ok');
    expect(seen[0]).toMatchObject({
      event_type: 'im.message.receive_v1',
      token: 'vt',
      sender: { sender_id: { open_id: 'ou_a', union_id: 'on_a', user_id: 'u_a' } },
      message: {
        chat_id: 'oc_p2p_ou_a',
        chat_type: 'p2p',
        message_type: 'text',
        content: '{"text":"@_user_1 已整改"}',
        mentions: [{ key: '@_user_1', id: { open_id: 'ou_bot', user_id: '' } }],
      },
    });

    // A tampered signature is refused (invoke resolves undefined).
    expect(
      await d.invoke(toData({ ...req, headers: { ...req.headers, 'x-lark-signature': '0'.repeat(64) } })),
    ).toBeUndefined();

    const action = cardActionEvent({
      token: 'vt',
      operator: 'ou_a',
      value: { action: 'ack' },
      messageId: 'om_card',
      formValue: { note: 'x' },
    });
    expect(await d.invoke(toData(larkRequest(action, { encryptKey: ENC })))).toEqual({
      toast: { type: 'success', content: 'done' },
    });
  });

  it('builds the other payloads in Lark shapes', () => {
    const ch = lark.generateChallenge(
      JSON.parse(larkRequest(urlVerification('vt', 'abc'), { encryptKey: ENC }).body),
      { encryptKey: ENC },
    );
    expect(ch).toEqual({ isChallenge: true, challenge: { challenge: 'abc' } });
    const plain = larkRequest(urlVerification('vt'), {});
    expect(plain.headers['x-lark-signature']).toBeUndefined();

    const img = fileMessageEvent({
      token: 'vt',
      sender: 'ou_a',
      kind: 'image',
      fileKey: 'img_1',
      chatId: 'oc_g',
      parentId: 'om_p',
    }) as {
      event: { message: Record<string, unknown> };
    };
    expect(img.event.message).toMatchObject({
      chat_type: 'group',
      chat_id: 'oc_g',
      message_type: 'image',
      content: '{"image_key":"img_1"}',
      parent_id: 'om_p',
      root_id: 'om_p',
    });
    const post = postMessageEvent({
      token: 'vt',
      sender: 'ou_a',
      title: 't',
      paragraphs: [[{ tag: 'text', text: 'hi' }]],
    }) as {
      event: { message: { content: string } };
    };
    expect(JSON.parse(post.event.message.content)).toEqual({
      title: 't',
      content: [[{ tag: 'text', text: 'hi' }]],
    });
  });
});
