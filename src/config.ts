import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const cronExpr = z
  .string()
  .regex(/^\S+(\s+\S+){4,5}$/, 'must be a cron expression of 5 or 6 fields, e.g. "5 9 * * *"');

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((s) => (s?.trim() ? s.trim() : undefined));

const flag = z
  .enum(['', '0', '1', 'true', 'false'], { message: 'must be 1 or 0' })
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** The environment as the README's configuration table names it. Parsed once, in the entry points. */
export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: optionalNonEmpty,
  DATABASE_URL: optionalNonEmpty.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  LARK_APP_ID: optionalNonEmpty,
  LARK_APP_SECRET: optionalNonEmpty,
  LARK_VERIFICATION_TOKEN: optionalNonEmpty,
  LARK_ENCRYPT_KEY: optionalNonEmpty,
  LARK_BASE_URL: z
    .string()
    .url('must be a URL such as https://open.feishu.cn')
    .default('https://open.feishu.cn'),
  ADMIN_OPEN_IDS: csv,
  APP_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai'),
  REMINDER_CRON: cronExpr.default('5 9 * * *'),
  DIGEST_CRON: cronExpr.default('5 9 * * 1'),
  PUBLIC_BASE_URL: optionalNonEmpty.pipe(z.string().url('must be a URL').optional()),
  REMIND_DUE_SOON_WORKDAYS: z.coerce.number().int().min(0).max(30).default(3),
  ESCALATE_SUPERVISOR_WORKDAYS: z.coerce.number().int().min(1).max(100).default(3),
  ESCALATE_ADMIN_WORKDAYS: z.coerce.number().int().min(1).max(200).default(10),
  STALE_PROGRESS_WORKDAYS: z.coerce.number().int().min(1).max(100).default(10),
  REQUEST_WAIT_WORKDAYS: z.coerce.number().int().min(0).max(30).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOW_UNSIGNED: flag,
  LARK_EVENT_MODE: z.enum(['webhook', 'websocket']).default('webhook'),
  ORG_NAME: z.string().trim().min(1).max(60).default('人大常委会办公室'),
  ORG_DOC_PREFIX: z.string().trim().min(1).max(30).default('人大督'),
  FEEDBACK_TITLE: optionalNonEmpty.pipe(z.string().trim().max(60).optional()),
  SEND_NOTICE_ON_ASSIGN: flag,
  LARK_TASKS: flag,
  URGENT_SMS: flag,
  METRICS_TOKEN: optionalNonEmpty.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  APP_SECRET_KEY: optionalNonEmpty.pipe(
    z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  ),
  DEFAULT_CAMPAIGN_NAME: z.string().trim().min(1).max(100).default('默认议题'),
  ACK_WITHIN_WORKDAYS: z.coerce.number().int().min(0).max(30).default(1),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** undefined → local mode: nothing leaves the machine. */
  lark:
    | {
        appId: string;
        appSecret: string;
        verificationToken: string;
        encryptKey: string;
        baseUrl: string;
      }
    | undefined;
  /** Local mode may still check a token / key if the operator sets them. */
  verificationToken: string | undefined;
  encryptKey: string | undefined;
  adminOpenIds: string[];
  timezone: string;
  reminderCron: string;
  digestCron: string;
  publicBaseUrl: string | undefined;
  logLevel: string;
  /** The escalation ladder (reminders issue): thresholds in workdays. */
  reminders: {
    dueSoon: number;
    escalateSupervisor: number;
    escalateAdmin: number;
    staleProgress: number;
    requestWait: number;
  };
  /** Local mode beyond loopback, or on Workers, without signing keys: only when set explicitly. */
  allowUnsigned: boolean;
  eventMode: 'webhook' | 'websocket';
  org: { name: string; docPrefix: string };
  /** The anonymous web form's heading (FEEDBACK_TITLE, else the organisation's name). */
  feedbackTitle: string;
  sendNoticeOnAssign: boolean;
  larkTasks: boolean;
  urgentSms: boolean;
  metricsToken: string | undefined;
  retentionDays: number;
  /**
   * Key for HMACs and keyed hashes (voting codes, anonymous dedup); never stored in the database.
   * Unset: required with LARK_APP_ID; in local mode the entry point supplies one (src/entry/secret-key.ts).
   */
  appSecretKey: string | undefined;
  defaultCampaignName: string;
  ackWithinWorkdays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration error:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Lark's app id shape (checked for any LARK_APP_ID: the SDK silently does nothing otherwise). */
export const LARK_APP_ID_SHAPE = /^cli_[0-9a-fA-F]{16}$/;

/** Where the service runs: Workers are always reachable from the internet. */
export type Runtime = 'node' | 'workers';

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Fail closed (docs/decisions/0006-network.md): a service others can reach must check Lark's
 * signature, or anyone could post an event in an admin's name. Local mode beyond loopback, or
 * on Workers, without LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY is refused unless
 * ALLOW_UNSIGNED=1; then the returned warning is to be logged on every start.
 */
export function checkSigning(config: Config, runtime: Runtime = 'node'): string | undefined {
  if (config.verificationToken && config.encryptKey) return undefined;
  const exposed = runtime === 'workers' || !isLoopback(config.host);
  if (!exposed) return undefined;
  const where = runtime === 'workers' ? 'on Workers' : `on HOST=${config.host}`;
  if (!config.allowUnsigned)
    throw new ConfigError([
      `LARK_VERIFICATION_TOKEN, LARK_ENCRYPT_KEY: required ${where}, where anyone can post events; ` +
        'set both, listen on 127.0.0.1, or set ALLOW_UNSIGNED=1 to accept unsigned events knowingly',
    ]);
  return `ALLOW_UNSIGNED=1: accepting unsigned events ${where}; anyone who can reach the service can act as any user`;
}

/** Pure: environment in, config out, or a ConfigError naming every wrong variable. */
export function parseConfig(
  env: Record<string, string | undefined>,
  /** Given, the set-up is also checked for signing keys (checkSigning). */
  runtime?: Runtime,
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  let lark: Config['lark'];
  if (e.LARK_APP_ID) {
    // Without both, anyone who can reach the service could post an event in an admin's name.
    for (const name of ['LARK_APP_SECRET', 'LARK_VERIFICATION_TOKEN', 'LARK_ENCRYPT_KEY'] as const) {
      if (!e[name]) problems.push(`${name}: required when LARK_APP_ID is set`);
    }
    if (problems.length === 0) {
      lark = {
        appId: e.LARK_APP_ID,
        appSecret: e.LARK_APP_SECRET!,
        verificationToken: e.LARK_VERIFICATION_TOKEN!,
        encryptKey: e.LARK_ENCRYPT_KEY!,
        baseUrl: e.LARK_BASE_URL.replace(/\/+$/, ''),
      };
    }
  }
  // The SDK silently does nothing for a malformed id (no token, no connection), in either mode.
  if (e.LARK_APP_ID && !LARK_APP_ID_SHAPE.test(e.LARK_APP_ID))
    problems.push(
      'LARK_APP_ID: 应为 cli_ 加 16 位十六进制数字（见开发者后台）/ must be cli_ followed by 16 hex digits (see the developer console)',
    );
  if (e.LARK_EVENT_MODE === 'websocket' && !e.LARK_APP_ID)
    problems.push('LARK_APP_ID: required when LARK_EVENT_MODE=websocket');
  if (problems.length) throw new ConfigError(problems);
  const config: Config = {
    port: e.PORT,
    host: e.HOST ?? (lark ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    lark,
    verificationToken: e.LARK_VERIFICATION_TOKEN,
    encryptKey: e.LARK_ENCRYPT_KEY,
    adminOpenIds: e.ADMIN_OPEN_IDS,
    timezone: e.APP_TIMEZONE,
    reminderCron: e.REMINDER_CRON,
    digestCron: e.DIGEST_CRON,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    logLevel: e.LOG_LEVEL,
    reminders: {
      dueSoon: e.REMIND_DUE_SOON_WORKDAYS,
      escalateSupervisor: e.ESCALATE_SUPERVISOR_WORKDAYS,
      escalateAdmin: e.ESCALATE_ADMIN_WORKDAYS,
      staleProgress: e.STALE_PROGRESS_WORKDAYS,
      requestWait: e.REQUEST_WAIT_WORKDAYS,
    },
    allowUnsigned: e.ALLOW_UNSIGNED,
    eventMode: e.LARK_EVENT_MODE,
    org: { name: e.ORG_NAME, docPrefix: e.ORG_DOC_PREFIX },
    /** The anonymous web form's heading: FEEDBACK_TITLE, else the organisation's name. */
    feedbackTitle: e.FEEDBACK_TITLE ?? `${e.ORG_NAME} · 匿名反馈`,
    sendNoticeOnAssign: e.SEND_NOTICE_ON_ASSIGN,
    larkTasks: e.LARK_TASKS,
    urgentSms: e.URGENT_SMS,
    metricsToken: e.METRICS_TOKEN,
    retentionDays: e.RETENTION_DAYS,
    appSecretKey: e.APP_SECRET_KEY,
    defaultCampaignName: e.DEFAULT_CAMPAIGN_NAME,
    ackWithinWorkdays: e.ACK_WITHIN_WORKDAYS,
  };
  if (runtime) checkSigning(config, runtime);
  return config;
}
