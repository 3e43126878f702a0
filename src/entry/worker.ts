import * as lark from '@larksuiteoapi/node-sdk';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { ExecutionContext } from 'hono';
import postgres from 'postgres';
import { createApp } from '../app.js';
import { type Config, ConfigError, checkSigning, parseConfig } from '../config.js';
import type { Db } from '../db.js';
import { createJobQueue, JOBS, type JobDeps, runJob } from '../jobs/index.js';
import { dueJobs } from '../jobs/schedule.js';
import { LarkDirectory } from '../lark/directory.js';
import { larkFiles } from '../lark/files.js';
import { LocalMessenger } from '../lark/local-messenger.js';
import { createLarkClient, LarkMessenger, type Messenger } from '../lark/messenger.js';
import { createLogger, type Logger } from '../log.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { RateLimiter } from '../outbox/rate-limit.js';
import { reportDeliveryFailure } from '../services/delivery-failures.js';
import { type Directory, noDirectory } from '../services/directory.js';
import { pgOptions } from './pg-types.js';

/**
 * Composition root on Cloudflare Workers: fetch + scheduled (Cron Triggers).
 * No PGlite, no migrator, no node-cron, no HTTP server: the database is PostgreSQL
 * (Hyperdrive in production, DATABASE_URL locally) and migrations run from Node/CI.
 */

/** The bindings this Worker reads (declared here instead of pulling in @cloudflare/workers-types;
 * ExecutionContext comes from hono, which mirrors the Workers one). */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  /** Every other variable of src/config.ts, as [vars] or secrets: strings. */
  [name: string]: unknown;
}

export interface ScheduledController {
  /** The cron expression exactly as written in wrangler.toml. */
  readonly cron: string;
  readonly scheduledTime: number;
  noRetry(): void;
}

// No named value exports here: workerd reads every export of the main module as an entrypoint and
// refuses to start on one that is not a handler ("Incorrect type for map entry").

/** The one Cron Trigger in wrangler.toml: every minute. */
const TICK_CRON = '* * * * *';
/** Run on every tick: queued work (evidence downloads, imports), then what the outbox holds (retries). */
const EVERY_TICK = ['queue', 'dispatch'];

/**
 * The jobs a tick at `at` runs: the every-tick ones, then each scheduled job of JOBS whose cron
 * (REMINDER_CRON, DIGEST_CRON, …) has an occurrence in APP_TIMEZONE within the minute ending at `at`.
 */
function jobsForTick(
  deps: JobDeps,
  at: Date,
): { names: string[]; invalid: { name: string; error: string }[] } {
  const schedules = JOBS.flatMap((j) => {
    const cron = j.cron?.(deps);
    return cron ? [{ name: j.name, cron }] : [];
  });
  const { due, invalid } = dueJobs(schedules, new Date(at.getTime() - 60_000), at, deps.config.timezone);
  return { names: [...EVERY_TICK, ...due], invalid };
}

/**
 * The SDK's typed methods always send `data: {}`, also with GET (formatPayload). On Node the http
 * adapter sends that body along; on Workers axios uses fetch, and workerd refuses a GET with a body
 * ("Request with a GET or HEAD method cannot have a body"), so e.g. contact.user.get failed and
 * every name fell back to a short open_id. Drop the body of GET/HEAD on the SDK's shared instance.
 */
lark.defaultHttpInstance.interceptors.request.use((req) => {
  if (/^(get|head)$/i.test(req.method ?? '')) delete req.data;
  return req;
});

/** What lives as long as the isolate: parsed config, logger, the Lark client (its token cache). */
interface Isolate {
  /** The string bindings it was built from: a changed variable or secret rebuilds it. */
  key: string;
  config: Config & { databaseUrl: string };
  log: Logger;
  messenger: Messenger;
  directory: Directory;
  client: lark.Client | undefined;
  limiter: RateLimiter;
  botOpenId: string | undefined;
  botLookupAt: number;
}

let isolate: Isolate | undefined;

function stringsOf(env: WorkerEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  // Hyperdrive gives a per-deployment connection string that points at its pool.
  out.DATABASE_URL = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  return out;
}

/**
 * Built once per isolate. Keyed by the bindings' values, not by the env object: the runtime only
 * "may" pass the same object to every request, and a rebuild would also drop the Lark token cache.
 */
function isolateFor(env: WorkerEnv): Isolate {
  const vars = stringsOf(env);
  const key = JSON.stringify(vars);
  if (isolate?.key === key) return isolate;
  const config = parseConfig(vars);
  if (!config.databaseUrl) {
    throw new ConfigError([
      'DATABASE_URL: required on Workers (or a HYPERDRIVE binding); there is no embedded database here',
    ]);
  }
  if (!config.appSecretKey) {
    // Node keeps a local-mode key in DATA_DIR; a Worker has no disk, and a key per isolate would
    // change voting codes and anonymous dedup from one request to the next.
    throw new ConfigError([
      'APP_SECRET_KEY: required on Workers (npx wrangler secret put APP_SECRET_KEY; e.g. openssl rand -hex 32)',
    ]);
  }
  // Workers are always reachable from the internet: unsigned events only with ALLOW_UNSIGNED=1.
  const unsigned = checkSigning(config, 'workers');
  const log = createLogger(config.logLevel);
  if (unsigned) log.warn({ action: 'start' }, unsigned);
  let client: lark.Client | undefined;
  let messenger: Messenger;
  let directory: Directory = noDirectory;
  if (config.lark) {
    client = createLarkClient(config.lark);
    messenger = new LarkMessenger(client);
    directory = new LarkDirectory(client);
  } else {
    messenger = new LocalMessenger(log);
  }
  isolate = {
    key,
    config: { ...config, databaseUrl: config.databaseUrl },
    log,
    messenger,
    directory,
    client,
    limiter: new RateLimiter(),
    botOpenId: undefined,
    botLookupAt: 0,
  };
  return isolate;
}

/**
 * The bot's own open_id (GET /open-apis/bot/v3/info), learnt on the first request and kept for
 * the isolate. Only the resolved value is shared: awaiting a promise that another request started
 * can hang on Workers. A failed lookup is retried at most once a minute.
 */
async function learnBotOpenId(iso: Isolate): Promise<void> {
  if (!iso.client || iso.botOpenId || Date.now() - iso.botLookupAt < 60_000) return;
  iso.botLookupAt = Date.now();
  try {
    const r = (await iso.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
      bot?: { open_id?: string };
      data?: { bot?: { open_id?: string } };
    };
    iso.botOpenId = r?.bot?.open_id ?? r?.data?.bot?.open_id;
  } catch (e) {
    iso.log.warn({ action: 'bot.info', err: e }, 'could not learn the bot open_id');
  }
}

/**
 * What lives as long as one invocation (a request or a cron run). The postgres.js client is
 * per invocation on purpose: workerd binds a socket to the request that opened it, and a
 * module-level client hangs on the next request ("the Workers runtime canceled this request …
 * your Worker's code had hung" — reproduced with wrangler dev 4.86). Hyperdrive keeps the real
 * pool, so a client per request is what Cloudflare recommends:
 * https://developers.cloudflare.com/hyperdrive/examples/connect-to-postgres/postgres-drivers-and-libraries/postgres-js
 */
interface Scope {
  deps: JobDeps;
  /** Resolves once every background task of this invocation is done and the client is closed. */
  close(): Promise<void>;
}

function openScope(iso: Isolate, ctx: ExecutionContext): Scope {
  const { config, log } = iso;
  // max 5: Workers allow six simultaneous outgoing connections per invocation; keep one for Lark.
  const sql = postgres(config.databaseUrl, { ...pgOptions, max: 5 });
  const db = drizzle(sql, { casing: 'snake_case' }) as unknown as Db;
  const tasks = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const t = p.catch((e) => log.error({ action: 'outbox.dispatch', err: e }, 'dispatch failed'));
    tasks.add(t);
    void t.finally(() => tasks.delete(t));
    // Keep the invocation alive until the send is done; never a detached promise.
    ctx.waitUntil(t);
  };
  const dispatcher = new Dispatcher({
    db,
    messenger: iso.messenger,
    log,
    limiter: iso.limiter,
    onPermanentFailure: (row, reason) => reportDeliveryFailure(db, config.adminOpenIds, row, reason),
  });
  const deps: JobDeps = {
    db,
    config,
    log,
    directory: iso.directory,
    botOpenId: () => iso.botOpenId,
    clock: () => new Date(),
    // After a commit: queued work and sends run now, inside this invocation (the every-minute
    // cron catches the rest).
    kick: () => {
      track(queue.runOnce());
      track(dispatcher.runOnce());
    },
    runJob: (name, at) => runJob(deps, name, at),
    dispatcher,
    files: iso.client ? larkFiles(iso.client) : undefined,
  };
  const queue = createJobQueue(deps, () => track(dispatcher.runOnce()));
  deps.queue = queue;
  return {
    deps,
    async close() {
      // A finished task may have kicked another: wait until nothing is left, then close.
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
      await sql.end({ timeout: 5 });
    },
  };
}

function configFailure(e: unknown): Response {
  // Logged for `wrangler tail`; the caller learns nothing about the configuration.
  console.error(e instanceof Error ? e.message : String(e));
  return new Response(JSON.stringify({ msg: '服务配置有误' }), {
    status: 500,
    headers: { 'content-type': 'application/json' },
  });
}

export default {
  async fetch(req: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let iso: Isolate;
    try {
      iso = isolateFor(env);
    } catch (e) {
      if (e instanceof ConfigError) return configFailure(e);
      throw e;
    }
    await learnBotOpenId(iso);
    const scope = openScope(iso, ctx);
    try {
      // A new app per invocation keeps every route on this invocation's client; building it and
      // matching the first route costs about 0.1 ms (measured on Node), less than opening the client.
      return await createApp(scope.deps).fetch(req, env, ctx);
    } finally {
      ctx.waitUntil(scope.close());
    }
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const iso = isolateFor(env);
    if (controller.cron !== TICK_CRON) {
      iso.log.error(
        { action: 'cron', cron: controller.cron },
        'unexpected cron trigger; wrangler.toml should have only "* * * * *"',
      );
      return;
    }
    const scope = openScope(iso, ctx);
    // The trigger's own time, not "now": a late start still acts for the minute it was meant for.
    const at = new Date(controller.scheduledTime);
    const { names, invalid } = jobsForTick(scope.deps, at);
    for (const { name, error } of invalid)
      iso.log.error({ action: 'cron', job: name, err: error }, 'schedule does not parse; job skipped');
    const run = async () => {
      for (const name of names) await runJob(scope.deps, name, at).catch(() => undefined); // runJob logs
    };
    ctx.waitUntil(run().finally(() => scope.close()));
  },
};
