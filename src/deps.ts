import type { Config } from './config.js';
import type { Db } from './db.js';
import type { Logger } from './log.js';
import type { Directory } from './services/directory.js';
import type { MessageFiles } from './services/files.js';

/** What the HTTP app and the jobs need; built by the composition roots in src/entry/. */
export interface AppDeps {
  db: Db;
  config: Config;
  log: Logger;
  directory: Directory;
  /** The bot's own open_id, learnt from GET /open-apis/bot/v3/info at start (undefined in local mode). */
  botOpenId: () => string | undefined;
  clock: () => Date;
  /** Wake the outbox dispatcher (and the job queue) after a commit (on Workers: waitUntil a dispatch). */
  kick: () => void;
  /** Lark's message resources (evidence downloads); undefined in local mode. */
  files?: MessageFiles;
  /** Runs a named job in this process (PGlite: `npm run job` acts through the running service). */
  runJob?: (name: string, at: Date) => Promise<unknown>;
  /** How long an intake waits on the contact API before answering with cached names (src/services/lookups.ts). */
  lookupBudgetMs?: number;
  /** Secret guarding /internal routes; set only where a local job runner may call in. */
  localSecret?: string;
  /** The long connection's state (LARK_EVENT_MODE=websocket), for /healthz and /metrics. */
  larkConnection?: () => { state: string; since: string } | undefined;
}
