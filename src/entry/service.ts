import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type * as lark from '@larksuiteoapi/node-sdk';
import { createApp } from '../app.js';
import { onAttachment } from '../chat/attachments.js';
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { AppDeps } from '../deps.js';
import { closedRateChart } from '../documents/chart.js';
import { registerChartRenderer } from '../documents/chart-renderer.js';
import { trendChart } from '../documents/trend-chart.js';
import { createJobQueue, type JobDeps, runJob } from '../jobs/index.js';
import { startScheduler } from '../jobs/scheduler.js';
import { LarkDirectory } from '../lark/directory.js';
import { larkFiles } from '../lark/files.js';
import { LocalMessenger } from '../lark/local-messenger.js';
import {
  type LongConnection,
  type LongConnectionOptions,
  startLongConnection,
} from '../lark/long-connection.js';
import { createLarkClient, LarkMessenger, type Messenger } from '../lark/messenger.js';
import type { Logger } from '../log.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import type { RateLimiter } from '../outbox/rate-limit.js';
import type { JobQueue } from '../queue/queue.js';
import { nameMigratedCampaign } from '../services/campaigns/name-default.js';
import { reportDeliveryFailure } from '../services/delivery-failures.js';
import { type Directory, noDirectory } from '../services/directory.js';

export interface ServiceOptions {
  config: Config;
  db: Db;
  log: Logger;
  clock?: () => Date;
  /** Start the background dispatcher loop (default true). Tests often drive it by hand. */
  dispatch?: boolean;
  /** Start node-cron schedules (default true). */
  schedule?: boolean;
  /** Listen on HTTP (default true); port 0 picks a free one. */
  listen?: boolean;
  localSecret?: string;
  larkCache?: lark.Cache;
  limiter?: RateLimiter;
  /** LARK_EVENT_MODE=websocket: timings of the long connection (tests scale them down). */
  longConnection?: LongConnectionOptions;
  /** Deadline of every call to Lark (default 10 s); tests scale it down. */
  larkTimeoutMs?: number;
  /** How long an intake waits on the contact API (default 1 s, src/services/lookups.ts). */
  lookupBudgetMs?: number;
  /** stop() gives up waiting after this long (default 7 s; SIGTERM must end within 10 s). */
  stopDeadlineMs?: number;
  /** First retry of the bot-info call at start (default 1 s, doubling up to 5 min). */
  botInfoRetryMs?: number;
}

export interface Service {
  app: ReturnType<typeof createApp>;
  deps: JobDeps;
  dispatcher: Dispatcher;
  /** The jobs-table runner (evidence downloads); tests call queue.runOnce(). */
  queue: JobQueue;
  url: string | undefined;
  client: lark.Client | undefined;
  /** The long connection, when LARK_EVENT_MODE=websocket. */
  link: LongConnection | undefined;
  stop(): Promise<void>;
}

/** Learns the bot's own open_id (GET /open-apis/bot/v3/info), so its @mention can be stripped. */
async function fetchBotOpenId(client: lark.Client, log: Logger): Promise<string | undefined> {
  try {
    const r = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
      bot?: { open_id?: string };
      data?: { bot?: { open_id?: string } };
    };
    return r?.bot?.open_id ?? r?.data?.bot?.open_id;
  } catch (e) {
    log.warn({ action: 'bot.info', err: e }, 'could not learn the bot open_id');
    return undefined;
  }
}

/**
 * Asks for the bot's open_id in the background, retrying with backoff, so start-up never waits
 * on Lark. Until it is known, toIncoming takes a group message's first mention as the bot's.
 */
function learnBotOpenId(client: lark.Client, log: Logger, firstRetryMs: number, set: (id: string) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const attempt = async (waitMs: number) => {
    const id = await fetchBotOpenId(client, log);
    if (stopped) return;
    if (id) return set(id);
    timer = setTimeout(() => void attempt(Math.min(waitMs * 2, 300_000)), waitMs);
    timer.unref?.();
  };
  void attempt(firstRetryMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Resolves when `p` settles or after `ms`, whichever is first: shutdown must not hang on one part. */
async function bounded(p: Promise<unknown>, ms: number, what: string, log: Logger): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), Math.max(0, ms));
  });
  const r = await Promise.race([p.then(() => 'done' as const), late]).catch((e: unknown) => {
    log.warn({ action: 'stop', part: what, err: e }, 'stop failed');
    return 'done' as const;
  });
  clearTimeout(timer);
  if (r === 'late') log.warn({ action: 'stop', part: what }, 'gave up waiting at shutdown');
}

/** Lark's side of the service: its client, messenger and directory, or the local stand-ins. */
function larkParts(o: ServiceOptions, setBotOpenId: (id: string) => void) {
  const { config, log } = o;
  if (!config.lark)
    return {
      client: undefined,
      messenger: new LocalMessenger(log) as Messenger,
      directory: noDirectory as Directory,
      stopLearning: () => {},
    };
  const client = createLarkClient({ ...config.lark, cache: o.larkCache, log, timeoutMs: o.larkTimeoutMs });
  return {
    client,
    messenger: new LarkMessenger(client) as Messenger,
    directory: new LarkDirectory(client) as Directory,
    stopLearning: learnBotOpenId(client, log, o.botInfoRetryMs ?? 1_000, setBotOpenId),
  };
}

/** Listens on HTTP; resolves with the server and the URL it answers on. */
async function listen(app: ReturnType<typeof createApp>, config: Config) {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  // Explicit, not Node's defaults: a slow or silent client is cut off, not held for minutes.
  const http = server as Server;
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;
  http.keepAliveTimeout = 5_000;
  const addr = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${addr.port}`;
  return { server, url };
}

interface Running {
  stopLearning: () => void;
  link: LongConnection | undefined;
  scheduler: { stop(): void } | undefined;
  server: ServerType | undefined;
  queue: JobQueue;
  dispatcher: Dispatcher;
}

/**
 * Intake first (no new requests; those in flight finish and commit), then the loops (the
 * dispatcher releases what it claimed), each bounded so the whole fits the deadline.
 */
async function stopAll(r: Running, log: Logger, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const left = (share: number) => (deadline - Date.now()) * share;
  r.stopLearning();
  // The long connection is intake too: no new events once stopping.
  if (r.link) await bounded(r.link.stop(), left(0.3), 'link', log);
  r.scheduler?.stop();
  if (r.server) {
    const s = r.server as Server;
    const closed = new Promise<void>((res) => s.close(() => res()));
    s.closeIdleConnections();
    await bounded(closed, left(0.5), 'http', log);
    s.closeAllConnections();
  }
  await bounded(Promise.all([r.queue.stop(), r.dispatcher.stop()]), left(1), 'loops', log);
}

/** Wires the whole service around an open database: the one composition used by start, tests, chat and bench. */
export async function buildService(o: ServiceOptions): Promise<Service> {
  const { config, db, log } = o;
  // Node draws charts (native canvas); the Workers entry registers none (src/documents/chart-renderer.ts).
  registerChartRenderer({ closedRate: closedRateChart, trend: trendChart });
  // The campaign the migration moved existing data into takes its configured name.
  if (await nameMigratedCampaign(db, config.defaultCampaignName))
    log.info({ action: 'campaign.named' }, 'default campaign named from DEFAULT_CAMPAIGN_NAME');
  let botOpenId: string | undefined;
  const { client, messenger, directory, stopLearning } = larkParts(o, (id) => {
    botOpenId = id;
  });
  const clock = o.clock ?? (() => new Date());
  let dispatcher!: Dispatcher;
  let queue!: JobQueue;
  let link: LongConnection | undefined;
  const deps: JobDeps = {
    db,
    config,
    log,
    directory,
    botOpenId: () => botOpenId,
    clock,
    // Without the background loop (tests, one-shot jobs) the caller runs the dispatcher itself.
    kick: () => {
      if (o.dispatch !== false) {
        void dispatcher.kick();
        void queue.kick();
      }
    },
    files: client ? larkFiles(client) : undefined,
    localSecret: o.localSecret,
    lookupBudgetMs: o.lookupBudgetMs,
    runJob: (name, at) => runJob(deps, name, at),
    get dispatcher() {
      return dispatcher;
    },
    get queue() {
      return queue;
    },
    larkConnection: () => link?.status(),
  } as JobDeps;
  dispatcher = new Dispatcher({
    db,
    messenger,
    log,
    limiter: o.limiter,
    clock,
    onPermanentFailure: (row, reason) => reportDeliveryFailure(db, config.adminOpenIds, row, reason),
  });
  // What a job queued (answers, card patches) goes out at once.
  queue = createJobQueue(deps, () => {
    if (o.dispatch !== false) void dispatcher.kick();
  });
  const app = createApp(deps as AppDeps);
  const { server, url } =
    o.listen !== false ? await listen(app, config) : { server: undefined, url: undefined };
  if (o.dispatch !== false) {
    dispatcher.start();
    queue.start();
  }
  const scheduler = o.schedule !== false ? startScheduler(deps) : undefined;
  if (config.eventMode === 'websocket' && config.lark)
    link = startLongConnection(deps as AppDeps, config.lark, onAttachment(deps.files), o.longConnection);
  const running = { stopLearning, link, scheduler, server, queue, dispatcher };
  const stop = () => stopAll(running, log, o.stopDeadlineMs ?? 7_000);
  return { app, deps, dispatcher, queue, url, client, link, stop };
}
