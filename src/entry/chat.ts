import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { and, count, eq, gt, lte, or } from 'drizzle-orm';
import { jobs, outbox } from '../../db/schema/index.js';
import { chooseDatabase, parseChatArgs, USAGE } from '../chat-cli/options.js';
import { ADMIN, CAST } from '../chat-cli/people.js';
import { ChatSession } from '../chat-cli/session.js';
import { startStandIn } from '../chat-cli/stand-in.js';
import { ConfigError, parseConfig } from '../config.js';
import type { Db } from '../db.js';
import { findJob, JOBS } from '../jobs/index.js';
import { createLogger } from '../log.js';
import { DataDirLockedError, readLock } from './data-dir-lock.js';
import { type Database, openDatabase } from './database.js';
import { buildService } from './service.js';

/**
 * `npm run chat`: a terminal that plays Lark users against a local duban service, in one process:
 * a local Lark stand-in (the fake Open API the tests use), the service pointed at it with the
 * dispatcher running, and a session that posts signed, encrypted webhook bodies exactly as Lark
 * does. Local mode sends nothing to Lark, so the chat cannot borrow a running `npm start`: it
 * brings its own service and never opens a PGlite directory another process holds.
 */
function lockedMessage(e: DataDirLockedError): string {
  const where = resolve(e.dir);
  return [
    `npm run chat 不能打开数据目录 ${where}：它正被进程 ${e.holder.pid}${e.holder.port ? `（端口 ${e.holder.port} 上的 duban）` : ''}使用，`,
    '嵌入式数据库（PGlite）只能由一个进程打开。npm run chat 自带服务和本地飞书替身（本地模式不向飞书发送任何消息，',
    '卡片无处可去），所以不能借用正在运行的服务。请先停止那个进程，或为聊天换一个目录，例如：',
    '  CHAT_DATA_DIR=./data/chat2 npm run chat',
    '（默认目录 <DATA_DIR>/chat 与 npm start 的 DATA_DIR 互不冲突，两者可同时运行。）',
    `The data directory ${where} is held by process ${e.holder.pid}; PGlite allows one process only. ` +
      'npm run chat brings its own service: stop the other process first, or set CHAT_DATA_DIR to another directory.',
  ].join('\n');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pending outbox rows or queued jobs that are due, or in flight, right now. */
async function busy(db: Db): Promise<boolean> {
  const now = new Date();
  const [o] = await db
    .select({ n: count() })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        or(eq(outbox.attempts, 0), lte(outbox.nextAttemptAt, now), gt(outbox.leaseUntil, now)),
      ),
    );
  if ((o?.n ?? 0) > 0) return true;
  const [j] = await db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.status, 'pending'), or(lte(jobs.runAt, now), gt(jobs.leaseUntil, now))));
  return (j?.n ?? 0) > 0;
}

type DbChoice = Exclude<ReturnType<typeof chooseDatabase>, { kind: 'refused' }>;

/** Opens the session's database; undefined (after saying why) when its directory is held. */
async function openChatDatabase(choice: DbChoice): Promise<Database | undefined> {
  try {
    if (choice.kind === 'dir' && choice.fresh) {
      // Checked before deleting anything: a held directory is never touched.
      const holder = readLock(choice.dir);
      if (holder && pidAlive(holder.pid)) throw new DataDirLockedError(choice.dir, holder);
      rmSync(join(choice.dir, 'pglite'), { recursive: true, force: true });
    }
    return await openDatabase(choice.kind === 'url' ? { url: choice.url } : { dataDir: choice.dir });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(lockedMessage(e));
      return undefined;
    }
    throw e;
  }
}

function chatConfig(
  choice: DbChoice,
  fake: { appId: string; appSecret: string; url: string },
  keys: { verificationToken: string; encryptKey: string },
) {
  // Everything else in the environment applies (APP_TIMEZONE, LOG_LEVEL, thresholds…); the Lark
  // credentials, admins, address and database are the session's own.
  return parseConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: choice.kind === 'url' ? choice.url : undefined,
    DATA_DIR: choice.kind === 'dir' ? choice.dir : process.env.DATA_DIR,
    LARK_APP_ID: fake.appId,
    LARK_APP_SECRET: fake.appSecret,
    LARK_VERIFICATION_TOKEN: keys.verificationToken,
    LARK_ENCRYPT_KEY: keys.encryptKey,
    LARK_BASE_URL: fake.url,
    ADMIN_OPEN_IDS: ADMIN.openId,
    // The session plays Lark itself; its HMAC key lives as long as the session.
    APP_SECRET_KEY: process.env.APP_SECRET_KEY || randomBytes(32).toString('hex'),
  });
}

/** The terminal: `out` writes a line, `ask` prompts and reads one (undefined at end of input). */
function terminal() {
  const interactive = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  const lines = rl[Symbol.asyncIterator]();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  /** Prompts and reads one line; piped input is echoed after the prompt so the transcript reads like a session. */
  const ask = async (prompt: string): Promise<string | undefined> => {
    if (interactive) {
      rl.setPrompt(prompt);
      rl.prompt();
    }
    const r = await lines.next();
    if (r.done) return undefined;
    if (!interactive) out(`${prompt}${r.value}`);
    return r.value;
  };
  return { rl, out, ask };
}

/** What the session is, where it runs and who can be played. */
function banner(
  out: (s: string) => void,
  o: { service: string | undefined; fake: string; choice: DbChoice; logFile: string },
): void {
  const { choice, logFile } = o;
  out('督办 · 本地聊天（npm run chat）：你扮演下列飞书用户，消息经签名加密后发给本机的督办服务。');
  out(
    `服务 ${o.service}　本地飞书替身 ${o.fake}　数据库 ${choice.kind === 'url' ? 'PostgreSQL（DATABASE_URL）' : `PGlite ${resolve(choice.dir)}`}　日志 ${logFile}`,
  );
  for (const p of CAST) out(`  ${p.n} ${p.name}　${p.part}　${p.email}`);
  out('以 / 开头的消息发给机器人（如 /帮助）；数字点击卡片按钮；:help 查看本工具的命令。');
}

async function main(): Promise<number> {
  const args = parseChatArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const choice = chooseDatabase(process.env, args);
  if (choice.kind === 'refused') {
    console.error(choice.message);
    return 1;
  }
  const verificationToken = `vt_chat_${randomBytes(8).toString('hex')}`;
  const encryptKey = `ek_chat_${randomBytes(16).toString('hex')}`;

  const database = await openChatDatabase(choice);
  if (!database) return 1;

  const logFile =
    process.env.CHAT_LOG?.trim() ||
    (choice.kind === 'dir' ? join(choice.dir, 'chat.log') : join(tmpdir(), 'duban-chat.log'));
  mkdirSync(resolve(logFile, '..'), { recursive: true });
  const logStream = createWriteStream(logFile, { flags: 'a' });

  const fake = await startStandIn(database.db, CAST);
  const config = chatConfig(choice, fake, { verificationToken, encryptKey });
  const log = createLogger(config.logLevel, logStream);
  const service = await buildService({
    config,
    db: database.db,
    log,
    // Reminders and digests run when asked (:job), not by the clock, in a play session.
    schedule: false,
    localSecret: database.lock?.info.secret,
  });
  // `DATA_DIR=<chat dir> npm run job -- …` then acts through this session's service.
  if (database.lock && service.url) database.lock.setPort(Number(new URL(service.url).port));

  const { rl, out, ask } = terminal();

  const session = new ChatSession({
    fake,
    serviceUrl: service.url!,
    verificationToken,
    encryptKey,
    timezone: config.timezone,
    cast: CAST,
    out,
    ask,
    busy: () => busy(database.db),
    jobNames: JOBS.map((j) => j.name),
    runJob: async (name, at) => {
      if (!findJob(name)) throw new Error(`没有任务「${name}」，可用：${JOBS.map((j) => j.name).join('、')}`);
      const r = await service.deps.runJob!(name, at);
      service.deps.kick();
      return r;
    },
  });

  banner(out, { service: service.url, fake: fake.url, choice, logFile });
  session.switchTo(ADMIN.name);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    rl.close();
    await service.stop();
    await database.close();
    await fake.close();
    logStream.end();
  };
  rl.on('SIGINT', () => {
    out('');
    rl.close();
  });

  try {
    for (;;) {
      const line = await ask(session.prompt());
      if (line === undefined) break;
      try {
        if ((await session.handle(line)) === 'quit') break;
      } catch (e) {
        out(`（出错了：${e instanceof Error ? e.message : String(e)}）`);
      }
    }
  } finally {
    await stop();
  }
  return 0;
}

main().then(
  // Piped stdout may still be draining (asynchronous pipes on macOS): exit once it has.
  (code) => process.stdout.write('', () => process.exit(code)),
  (e) => {
    if (e instanceof ConfigError) console.error(`npm run chat 无法启动：配置有误。\n${e.message}`);
    else console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
