import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { problems } from '../../db/schema/index.js';
import { ConfigError, parseConfig } from '../../src/config.js';
import { FrameMethod } from '../../src/dev/fake-lark-ws.js';
import { cardOf, codeIn, P, read, setupCampaign } from '../support/campaign.js';
import { type FakeLark, startFakeLark } from '../support/fake-lark.js';
import { type CardAnswer, type Harness, startHarness, TOKEN } from '../support/harness.js';
import { cardActionEvent, textMessageEvent } from '../support/lark-requests.js';

const APP_ID = 'cli_a1b2c3d4e5f60718';
let h: Harness;
let fake: FakeLark;
const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai

beforeAll(async () => {
  fake = await startFakeLark({ appId: APP_ID, appSecret: 'secret_test' });
  h = await startHarness({
    fake,
    clock: () => now,
    env: { LARK_EVENT_MODE: 'websocket' },
    longConnection: { backoffMinMs: 100, backoffMaxMs: 400, watchMs: 200, maxPayloadBytes: 64 * 1024 },
  });
  await fake.ws.waitForConnection();
  await setupCampaign(h); // over the webhook, which stays available in websocket mode
});
afterAll(async () => {
  await h.stop();
  await fake.close();
});
beforeEach(async () => {
  await h.dispatch();
  h.drain();
});

const problemCount = async () =>
  (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(problems))[0]!.n;

/** A text message over the long connection; resolves with the ack and, once dispatched, the reply. */
async function wsSay(who: string, text: string, eventId?: string) {
  const messageId = `om_ws_${Math.random().toString(16).slice(2)}`;
  const env = textMessageEvent({ token: TOKEN, sender: who, text, messageId, appId: APP_ID, eventId });
  const ack = await fake.ws.push(env);
  return { ack, env, messageId };
}
async function replyTo(messageId: string) {
  await h.dispatch();
  const m = fake.messages.filter((x) => x.replyTo === messageId);
  return m.map(read);
}
/** Waits for a connection newer than `after` (fake.ws.accepted before the drop), and our state to say so. */
async function reconnected(after: number) {
  await vi.waitFor(() => expect(fake.ws.accepted).toBeGreaterThan(after), { timeout: 20_000 });
  await vi.waitFor(() => expect(h.service.link?.status().state).toBe('connected'), { timeout: 20_000 });
}

describe('long connection (LARK_EVENT_MODE=websocket)', () => {
  it('takes a command: acknowledged once committed, then answered', async () => {
    const before = await problemCount();
    const { ack, messageId } = await wsSay(
      P.staff,
      '/交办 长连接交办 单位:市人社局 期限:2026-12-31 类别:政务服务环境',
    );
    expect(ack.code).toBe(200);
    expect(await problemCount()).toBe(before + 1); // committed by the time the ack left
    const [reply] = await replyTo(messageId);
    expect(codeIn(reply!.text)).toMatch(/^DB-2026-\d{3}$/);
  });

  it.each(['card', 'event'])(
    'answers a card click sent as a type=%s frame with the toast and card, well within 3 s',
    async (type) => {
      const { messageId } = await wsSay(P.staff, `/交办 卡片${type} 单位:市人社局 期限:2026-12-31`);
      const code = codeIn((await replyTo(messageId))[0]!.text);
      await h.dispatch();
      const card = cardOf(h, P.lead1, code);
      const button = card.buttons.find((b) => b.label === '签收')!;
      const env = cardActionEvent({
        token: TOKEN,
        operator: P.lead1,
        messageId: card.messageId,
        value: button.value,
        appId: APP_ID,
      });
      const started = Date.now();
      const ack = await fake.ws.push(env, { type, timeoutMs: 3000 });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(ack.code).toBe(200);
      const answer = ack.data as CardAnswer;
      expect(answer.toast?.content).toContain('签收');
      expect(JSON.stringify(answer.card)).toContain('已签收');
    },
  );

  it('processes a redelivered frame once', async () => {
    const before = await problemCount();
    const first = await wsSay(P.staff, '/交办 重复投递 单位:市教育局 期限:2026-12-31');
    const again = await fake.ws.push(first.env); // Lark delivers the same event id again
    expect([first.ack.code, again.code]).toEqual([200, 200]);
    expect(await problemCount()).toBe(before + 1);
    expect(await replyTo(first.messageId)).toHaveLength(1);
  });

  it('reconnects after the server drops the connection and receives the next event', async () => {
    const accepted = fake.ws.accepted;
    fake.ws.drop();
    await reconnected(accepted);
    const { ack, messageId } = await wsSay(P.staff, '/我是谁');
    expect(ack.code).toBe(200);
    expect(await replyTo(messageId)).toHaveLength(1);
    const health = (await (await fetch(`${h.url}/healthz`)).json()) as { lark: { since: string } };
    expect(health).toMatchObject({ ok: true, lark: { state: 'connected' } });
    expect(Date.parse(health.lark.since)).not.toBeNaN();
  });

  // Lark's codes: 1 system busy, 403 forbidden, 514 auth failed, 1000040350 too many connections
  // (the SDK stops for good on these), 1000040343 internal error (the SDK retries by itself).
  it.each([1, 403, 514, 1000040350, 1000040343])(
    'keeps trying while the endpoint refuses with code %i, then receives events again',
    async (code) => {
      const refusedFor = 1500; // a minute, scaled down
      const calls = fake.ws.endpointCalls.length;
      const accepted = fake.ws.accepted;
      fake.ws.refuse(code, refusedFor);
      fake.ws.drop();
      await vi.waitFor(() => expect(h.service.link?.status().state).toBe('reconnecting'));
      await reconnected(accepted);
      const tries = fake.ws.endpointCalls.slice(calls);
      expect(tries.filter((t) => t.code === code).length).toBeGreaterThanOrEqual(2);
      expect(tries.at(-1)?.code).toBe(0);
      const { ack, messageId } = await wsSay(P.staff, '/我是谁');
      expect(ack.code).toBe(200);
      expect(await replyTo(messageId)).toHaveLength(1);
    },
  );

  it('logs and acknowledges malformed, unknown and oversize frames, and keeps the connection', async () => {
    const calls = fake.ws.endpointCalls.length;
    fake.ws.sendRaw(new Uint8Array([0xff, 0x00, 0x13, 0x37, 0x42])); // not a protobuf Frame
    fake.ws.sendFrame({ method: 9, headers: [] }); // a method nobody knows
    expect((await fake.ws.push({}, { type: 'mystery' })).code).toBe(200);
    expect((await fake.ws.push({}, { raw: Buffer.from('{not json') })).code).toBe(200);
    expect((await fake.ws.push({ schema: '2.0', header: {} })).code).toBe(200);
    const big = textMessageEvent({ token: TOKEN, sender: P.staff, text: `/交办 ${'长'.repeat(40_000)}` });
    expect((await fake.ws.push(big)).code).toBe(200);
    fake.ws.sendFrame({ method: FrameMethod.control, headers: [{ key: 'type', value: 'pong' }] });
    const text = h.logText();
    expect(text).toContain('failed to handle inbound frame'); // the SDK's own line, in our log
    expect(text).toContain('unknown frame type');
    expect(text).toContain('payload is not JSON');
    expect(text).toContain('refused:bad_envelope');
    expect(text).toContain('payload too large');
    expect(text).not.toContain('长长长'); // never the payload
    // Still the same connection, and it still works.
    expect(fake.ws.endpointCalls.length).toBe(calls);
    const { ack, messageId } = await wsSay(P.staff, '/我是谁');
    expect(ack.code).toBe(200);
    expect(await replyTo(messageId)).toHaveLength(1);
  });

  it('reassembles an event that arrives in fragments', async () => {
    const messageId = `om_ws_frag_${Date.now()}`;
    const env = textMessageEvent({
      token: TOKEN,
      sender: P.staff,
      text: '/我是谁',
      messageId,
      appId: APP_ID,
    });
    expect((await fake.ws.push(env, { fragments: 3 })).code).toBe(200);
    expect(await replyTo(messageId)).toHaveLength(1);
  });
});

describe('LARK_EVENT_MODE=websocket configuration', () => {
  const base = {
    LARK_EVENT_MODE: 'websocket',
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: 's',
    LARK_VERIFICATION_TOKEN: 't',
    LARK_ENCRYPT_KEY: 'k',
  };
  const problemsOf = (env: Record<string, string | undefined>) => {
    try {
      parseConfig(env);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  };
  it('starts with app credentials of the right shape', () => {
    expect(parseConfig(base).eventMode).toBe('websocket');
  });
  it('refuses to start without the app id or secret, naming the variable', () => {
    expect(problemsOf({ ...base, LARK_APP_ID: undefined }).join()).toContain('LARK_APP_ID');
    expect(problemsOf({ ...base, LARK_APP_SECRET: undefined }).join()).toContain('LARK_APP_SECRET');
  });
  it('refuses an app id that is not cli_ plus 16 hex digits', () => {
    expect(problemsOf({ ...base, LARK_APP_ID: 'cli_test' }).join()).toContain('LARK_APP_ID');
    expect(problemsOf({ ...base, LARK_APP_ID: 'cli_a1b2c3d4e5f6071z' }).join()).toContain('16 hex');
  });
});
