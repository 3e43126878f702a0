/**
 * Intake through the long connection as a ratio of webhook intake, in one process: the real
 * service in LARK_EVENT_MODE=websocket, the fake Lark pushing frames over its WebSocket and
 * waiting for each ack, against signed, encrypted POST /lark/events from the same process.
 * Both carry the same distinct /帮助 events at the same concurrency.
 *
 *   npx tsx bench/long-connection.ts                   # PGlite in memory
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/long-connection.ts
 *
 * Env: BENCH_EVENTS (default 3000), BENCH_CONCURRENCY (default 40).
 */
import { Writable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import postgres from 'postgres';
import { parseConfig } from '../src/config.js';
import { startFakeLark } from '../src/dev/fake-lark.js';
import { textMessageEvent } from '../src/dev/lark-requests.js';
import { type Database, openDatabase } from '../src/entry/database.js';
import { buildService } from '../src/entry/service.js';
import { createLogger } from '../src/log.js';
import { RateLimiter } from '../src/outbox/rate-limit.js';
import { BENCH_LARK, BENCH_SENDERS, makeEvents, senderId } from './events.js';

const N = Number(process.env.BENCH_EVENTS ?? 3000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 40);
const APP_ID = 'cli_be0c4be0c4be0c40';

async function pool<T>(items: T[], run: (x: T) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
  return items.length / ((performance.now() - t0) / 1000);
}

async function main() {
  const admin = process.env.BENCH_DATABASE_URL;
  const name = `duban_bench_ws_${process.pid}`;
  let database: Database;
  if (admin) {
    const sql = postgres(admin, { max: 1 });
    await sql.unsafe(`create database ${name}`);
    await sql.end();
    database = await openDatabase({ url: admin.replace(/\/[^/]*$/, `/${name}`), max: 10 });
  } else database = await openDatabase({ memory: true });

  const fake = await startFakeLark({ appId: APP_ID, appSecret: BENCH_LARK.appSecret });
  for (let i = 0; i < BENCH_SENDERS; i++) fake.addUser({ open_id: senderId(i), name: `用户${i}` });
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LARK_EVENT_MODE: 'websocket',
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: BENCH_LARK.appSecret,
    LARK_VERIFICATION_TOKEN: BENCH_LARK.verificationToken,
    LARK_ENCRYPT_KEY: BENCH_LARK.encryptKey,
    LARK_BASE_URL: fake.url,
    LOG_LEVEL: 'warn',
    APP_SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
  });
  const service = await buildService({
    config,
    db: database.db,
    log: createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() })),
    dispatch: false,
    schedule: false,
    larkCache: new lark.DefaultCache(),
    limiter: new RateLimiter({ perKeyPerSecond: 1e6, perSecond: 1e6, perMinute: 1e9 }),
  });
  await fake.ws.waitForConnection();

  const webhook = makeEvents(N + 200, 'wh');
  const post = async (e: (typeof webhook)[number]) => {
    const r = await fetch(`${service.url}/lark/events`, { method: 'POST', headers: e.headers, body: e.body });
    if (r.status !== 200) throw new Error(`webhook HTTP ${r.status}`);
    await r.arrayBuffer();
  };
  const envelopes = Array.from({ length: N + 200 }, (_, i) =>
    textMessageEvent({
      eventId: `ev_ws_${i}`,
      messageId: `om_ws_${i}`,
      token: BENCH_LARK.verificationToken,
      appId: APP_ID,
      sender: senderId(i),
      text: '/帮助',
    }),
  );
  const push = async (env: object) => {
    const ack = await fake.ws.push(env, { timeoutMs: 30_000 });
    if (ack.code !== 200) throw new Error(`ack code ${ack.code}`);
  };

  await pool(webhook.slice(0, 200), post); // warm-up
  await pool(envelopes.slice(0, 200), push);
  const wh = await pool(webhook.slice(200), post);
  const ws = await pool(envelopes.slice(200), push);
  const kind = admin ? 'PostgreSQL' : 'PGlite';
  console.log(
    `${kind}, ${N} events, concurrency ${C}: webhook ${wh.toFixed(0)} events/s, ` +
      `long connection ${ws.toFixed(0)} events/s, ratio ${(ws / wh).toFixed(2)}`,
  );

  await service.stop();
  await fake.close();
  await database.close();
  if (admin) {
    const sql = postgres(admin, { max: 1 });
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.end();
  }
}

await main();
