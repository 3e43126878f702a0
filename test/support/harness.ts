import { Writable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import { parseConfig } from '../../src/config.js';
import { buildService, type Service } from '../../src/entry/service.js';
import type { LongConnectionOptions } from '../../src/lark/long-connection.js';
import { createLogger } from '../../src/log.js';
import { RateLimiter } from '../../src/outbox/rate-limit.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { type FakeLark, startFakeLark } from './fake-lark.js';
import { cardActionEvent, fileMessageEvent, larkRequest, textMessageEvent } from './lark-requests.js';

export const TOKEN = 'vt_test';
export const ENCRYPT_KEY = 'ek_test_key';
export const ADMIN = 'ou_admin';

export interface Harness {
  fake: FakeLark;
  database: TestDatabase;
  service: Service;
  url: string;
  /** Every log line the service wrote, parsed. */
  logs: Record<string, unknown>[];
  logText(): string;
  post(
    path: string,
    payload: unknown,
    opts?: { encrypt?: boolean; timestamp?: number; headers?: Record<string, string> },
  ): Promise<Response>;
  /** A text message from `sender` (p2p by default), posted as Lark would; resolves once answered. */
  say(sender: string, text: string, o?: Partial<Parameters<typeof textMessageEvent>[0]>): Promise<Response>;
  sendFile(
    sender: string,
    o: Omit<Parameters<typeof fileMessageEvent>[0], 'token' | 'sender'>,
  ): Promise<Response>;
  click(
    operator: string,
    o: Omit<Parameters<typeof cardActionEvent>[0], 'token' | 'operator'>,
  ): Promise<{ status: number; body: CardAnswer }>;
  /** Runs the outbox dispatcher once and returns its counts. */
  dispatch(at?: Date): ReturnType<Service['dispatcher']['runOnce']>;
  /** Runs the jobs-table queue once (evidence downloads) and returns its counts. */
  runQueue(at?: Date): ReturnType<Service['queue']['runOnce']>;
  /** Messages the fake Lark received since the last call (replies and sends). */
  drain(): FakeLark['messages'];
  stop(): Promise<void>;
}

export async function startHarness(
  o: {
    env?: Record<string, string>;
    clock?: () => Date;
    database?: TestDatabase;
    fake?: FakeLark;
    /** With env LARK_EVENT_MODE=websocket (and a fake whose app id has Lark's shape). */
    longConnection?: LongConnectionOptions;
  } = {},
): Promise<Harness> {
  const fake = o.fake ?? (await startFakeLark({ appId: 'cli_a0b1c2d3e4f50001', appSecret: 'secret_test' }));
  fake.addUser({ open_id: ADMIN, name: '管理员甲' });
  const database = o.database ?? (await createTestDatabase());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      cb();
    },
  });
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LARK_APP_ID: fake.appId,
    LARK_APP_SECRET: fake.appSecret,
    LARK_VERIFICATION_TOKEN: TOKEN,
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_BASE_URL: fake.url,
    ADMIN_OPEN_IDS: ADMIN,
    LOG_LEVEL: 'debug',
    APP_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    ...o.env,
  });
  const service = await buildService({
    config,
    db: database.db,
    log: createLogger('debug', sink),
    clock: o.clock,
    dispatch: false,
    schedule: false,
    larkCache: new lark.DefaultCache(),
    // Tests measure behaviour, not pacing: a generous limiter keeps them fast.
    limiter: new RateLimiter({ perKeyPerSecond: 1000, perSecond: 1000, perMinute: 100_000 }),
    longConnection: o.longConnection,
  });
  const url = service.url!;
  let seen = 0;
  const h: Harness = {
    fake,
    database,
    service,
    url,
    logs,
    logText: () => logs.map((l) => JSON.stringify(l)).join('\n'),
    async post(path, payload, p = {}) {
      const req = larkRequest(payload, {
        encryptKey: p.encrypt === false ? undefined : ENCRYPT_KEY,
        timestamp: p.timestamp,
      });
      return fetch(`${url}${path}`, {
        method: 'POST',
        headers: { ...req.headers, ...p.headers },
        body: req.body,
      });
    },
    say(sender, text, e = {}) {
      return h.post('/lark/events', textMessageEvent({ token: TOKEN, sender, text, ...e }));
    },
    sendFile(sender, e) {
      return h.post(
        '/lark/events',
        fileMessageEvent({ token: TOKEN, sender, ...e } as Parameters<typeof fileMessageEvent>[0]),
      );
    },
    async click(operator, e) {
      const res = await h.post('/lark/cards', cardActionEvent({ token: TOKEN, operator, ...e }));
      return { status: res.status, body: (await res.json()) as CardAnswer };
    },
    dispatch: (at) => service.dispatcher.runOnce(at),
    runQueue: (at) => service.queue.runOnce(at),
    drain() {
      const out = fake.messages.slice(seen);
      seen = fake.messages.length;
      return out;
    },
    async stop() {
      await service.stop();
      await database.close();
      if (!o.fake) await fake.close();
    },
  };
  return h;
}

/** The text of a message as a person would read it (cards rendered). */
export { renderMessage } from '../../cards/render-text.js';

/** What /lark/cards answers: a toast and, on success, the clicked card's new state. */
export interface CardAnswer {
  toast?: { type: string; content: string };
  card?: { type: string; data: unknown };
  msg?: string;
}
