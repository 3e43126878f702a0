/**
 * One server for bench/run.ts, in its own process: `tsx bench/server.ts <mode> <database-url> [--dispatch]`.
 * Prints one line `READY {"url": …}` on stdout when it listens; stops cleanly on SIGTERM.
 *
 *   duban  the real service (buildService) with a fake Lark for the bot-info, token and contact calls
 *          (its own, or the one at BENCH_LARK_URL; --dispatch-loop also runs the dispatcher's loop)
 *   hono   a bare Hono endpoint: POST / → {}
 *   tx     a Hono endpoint doing a three-statement PostgreSQL transaction (postgres.js, pool 10)
 *
 * Experiments (`npm run bench -- --experiments`), to tell the cost of the round trips from the cost
 * of the code around them. Both do what duban does for /帮助 — verify, decrypt, parse, record the
 * event id, look up the sender, queue the reply, commit, answer — with postgres.js and no ORM:
 *   raw7   the same seven round trips duban makes (begin, insert event, select person, select roles,
 *          savepoint, insert outbox, commit)
 *   lean   four round trips: begin, one statement that records the event and reads person and roles
 *          (a CTE), insert outbox, commit
 *   prep   duban itself, but its postgres.js client is told to prepare every statement. drizzle passes
 *          prepare:false unless a query is built with .prepare(name), and postgres.js then sends each
 *          parameterized statement in two round trips (Parse+Describe, wait, Bind+Execute) and
 *          PostgreSQL parses and plans it every time (postgres/src/connection.js build(): describeFirst).
 */
import { serve } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/postgres-js';
import { Hono } from 'hono';
import postgres from 'postgres';
import * as schema from '../db/schema/index.js';
import { parseConfig } from '../src/config.js';
import type { Db } from '../src/db.js';
import { startFakeLark } from '../src/dev/fake-lark.js';
import { openDatabase } from '../src/entry/database.js';
import { buildService } from '../src/entry/service.js';
import { Envelope, MessageReceive } from '../src/lark/payloads.js';
import { openLarkBody, safeEqual } from '../src/lark/verify.js';
import { createLogger } from '../src/log.js';
import { BENCH_LARK, BENCH_SENDERS, senderId } from './events.js';

type Stop = () => Promise<void>;

/** silent by default; `npm run bench -- --log info` measures with one JSON line per request on stdout. */
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'silent';

async function listen(app: Hono): Promise<{ url: string; stop: Stop }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        stop: () => new Promise<void>((r) => server.close(() => r())),
      }),
    );
  });
}

/** The client, its transactions and savepoints, with every unsafe() query prepared (experiment `prep`). */
function preparing(sql: postgres.Sql): postgres.Sql {
  type Fn = (...a: unknown[]) => unknown;
  return new Proxy(sql, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === 'unsafe') {
        return (q: string, args?: unknown[], opts?: object) =>
          target.unsafe(q, args as postgres.ParameterOrJSON<never>[], { ...opts, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...a: unknown[]) => {
          const fn = a.pop() as (tx: postgres.Sql) => unknown;
          return (value as Fn).call(target, ...a, (tx: postgres.Sql) => fn(preparing(tx)));
        };
      }
      return typeof value === 'function' ? (value as Fn).bind(target) : value;
    },
  });
}

async function startDuban(
  url: string,
  dispatch: boolean,
  prepare = false,
  loop = false,
): Promise<{ url: string; stop: Stop }> {
  // BENCH_LARK_URL: a fake Lark the bench process runs (two instances share it and its clock of arrivals).
  const external = process.env.BENCH_LARK_URL;
  const fake = external
    ? undefined
    : await startFakeLark({ appId: BENCH_LARK.appId, appSecret: BENCH_LARK.appSecret });
  // Known to the directory, so each sender's name is fetched once and then read from `people`
  // (an unknown sender would cost a contact-API call inside every transaction).
  for (let i = 0; i < BENCH_SENDERS; i++) fake?.addUser({ open_id: senderId(i), name: `用户${i}` });
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: url,
    LARK_APP_ID: BENCH_LARK.appId,
    LARK_APP_SECRET: BENCH_LARK.appSecret,
    LARK_VERIFICATION_TOKEN: BENCH_LARK.verificationToken,
    LARK_ENCRYPT_KEY: BENCH_LARK.encryptKey,
    LARK_BASE_URL: external ?? fake!.url,
    LOG_LEVEL: logLevel,
  });
  const database = await openDatabase({ url, max: 10 });
  const prepared = prepare ? postgres(url, { max: 10, onnotice: () => {} }) : undefined;
  const db = prepared
    ? (drizzle(preparing(prepared), { schema, casing: 'snake_case' }) as unknown as Db)
    : database.db;
  const service = await buildService({
    config,
    db,
    log: createLogger(logLevel),
    // --dispatch-loop: the background loop too, so rows held back by the send limits go out later.
    dispatch: loop,
    schedule: false,
    listen: true,
  });
  // dispatch:false only skips the background loop; every commit still kick()s a dispatch run.
  // Stopping the dispatcher makes kick() a no-op, so the bench measures intake alone.
  if (!dispatch) await service.dispatcher.stop();
  return {
    url: service.url!,
    async stop() {
      await service.stop();
      await prepared?.end({ timeout: 5 });
      await database.close();
      await fake?.close();
    },
  };
}

async function startTx(url: string): Promise<{ url: string; stop: Stop }> {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const app = new Hono();
  app.post('/', async (c) => {
    const body = await c.req.text();
    await sql.begin(async (tx) => {
      const [row] = await tx<
        { id: number }[]
      >`insert into bench_t (payload_len) values (${body.length}) returning id`;
      await tx`insert into bench_t2 (t_id, note) values (${row!.id}, 'x')`;
      await tx`update bench_t set done = true where id = ${row!.id}`;
    });
    return c.json({});
  });
  const s = await listen(app);
  return {
    url: s.url,
    async stop() {
      await s.stop();
      await sql.end({ timeout: 5 });
    },
  };
}

/** A reply of the size of duban's help card (about 1.2 KB of JSON). */
const REPLY = JSON.stringify({
  schema: '2.0',
  header: { template: 'blue', title: { tag: 'plain_text', content: '督办助手 · 使用说明' } },
  body: {
    elements: Array.from({ length: 6 }, (_, i) => ({
      tag: 'markdown',
      content: `**/命令${i}**\n${'说明文字'.repeat(20)}`,
    })),
  },
});

async function startRaw(url: string, lean: boolean): Promise<{ url: string; stop: Stop }> {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const keys = { encryptKey: BENCH_LARK.encryptKey, verificationToken: BENCH_LARK.verificationToken };
  const app = new Hono();
  app.post('/lark/events', async (c) => {
    const opened = openLarkBody(
      await c.req.text(),
      {
        timestamp: c.req.header('x-lark-request-timestamp'),
        nonce: c.req.header('x-lark-request-nonce'),
        signature: c.req.header('x-lark-signature'),
      },
      keys,
      Date.now(),
    );
    if (!opened.ok) return c.json({ msg: 'refused' }, opened.refusal.status);
    const env = Envelope.safeParse(opened.value);
    if (!env.success || !safeEqual(env.data.header.token ?? '', keys.verificationToken))
      return c.json({}, 401);
    const m = MessageReceive.safeParse(env.data.event);
    if (!m.success) return c.json({}, 400);
    const eventId = env.data.header.event_id;
    const sender = m.data.sender.sender_id.open_id;
    const { message_id: messageId, chat_id: chatId } = m.data.message;
    await sql.begin(async (tx) => {
      let fresh: boolean;
      if (lean) {
        const [r] = await tx<{ fresh: boolean; name: string | null; roles: string[] }[]>`
          with ins as (insert into processed_events (event_id, kind) values (${eventId}, 'message')
                       on conflict do nothing returning 1)
          select exists (select 1 from ins) as fresh,
                 (select name from people where open_id = ${sender}) as name,
                 array(select role from roles where open_id = ${sender}) as roles`;
        fresh = r!.fresh;
      } else {
        const ins = await tx`insert into processed_events (event_id, kind) values (${eventId}, 'message')
                             on conflict do nothing returning event_id`;
        fresh = ins.length > 0;
        if (fresh) {
          await tx`select open_id, name, fetched_at from people where open_id = ${sender}`;
          await tx`select role from roles where open_id = ${sender}`;
          await tx`savepoint s0`;
        }
      }
      if (!fresh) return;
      await tx`insert into outbox (kind, target_message_id, rate_key, msg_type, content, purpose)
               values ('reply', ${messageId}, ${chatId}, 'interactive', ${REPLY}, 'reply')`;
    });
    return c.json({});
  });
  const s = await listen(app);
  return {
    url: s.url,
    async stop() {
      await s.stop();
      await sql.end({ timeout: 5 });
    },
  };
}

async function main() {
  const [mode, url, ...flags] = process.argv.slice(2);
  if (!mode || !url)
    throw new Error('usage: tsx bench/server.ts <duban|prep|raw7|lean|tx|hono> <database-url> [--dispatch]');
  let s: { url: string; stop: Stop };
  if (mode === 'duban' || mode === 'prep')
    s = await startDuban(
      url,
      flags.includes('--dispatch') || flags.includes('--dispatch-loop'),
      mode === 'prep',
      flags.includes('--dispatch-loop'),
    );
  else if (mode === 'tx') s = await startTx(url);
  else if (mode === 'raw7' || mode === 'lean') s = await startRaw(url, mode === 'lean');
  else if (mode === 'hono') {
    const app = new Hono();
    app.post('/', (c) => c.json({}));
    s = await listen(app);
  } else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`READY ${JSON.stringify({ url: s.url, pid: process.pid })}\n`);
  const stop = async () => {
    await s.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
