import { ConfigError, parseConfig } from '../config.js';
import { findJob, JOBS } from '../jobs/index.js';
import { createLogger } from '../log.js';
import { DataDirLockedError, readLock } from './data-dir-lock.js';
import { openDatabase } from './database.js';
import { withSecretKey } from './secret-key.js';
import { buildService } from './service.js';

/** `npm run job -- <name> [--at <ISO-8601>]`: runs one job once and exits. */
function parseArgs(argv: string[]): { name: string; at: Date } {
  const usage = `用法：npm run job -- <${JOBS.map((j) => j.name).join('|')}> [--at <ISO-8601>]`;
  const [name, ...rest] = argv;
  if (!name || !findJob(name)) throw new Error(`${name ? `未知任务「${name}」。` : ''}${usage}`);
  let at = new Date();
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--at') {
      const v = rest[++i];
      const d = v ? new Date(v) : new Date(Number.NaN);
      if (!v || Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v))
        throw new Error(`--at 需要 ISO-8601 时间，例如 2026-12-01T09:05:00+08:00。${usage}`);
      at = d;
    } else throw new Error(`无法识别的参数「${rest[i]}」。${usage}`);
  }
  return { name, at };
}

async function main() {
  const { name, at } = parseArgs(process.argv.slice(2));
  const config = withSecretKey(parseConfig(process.env), (m) => console.warn(m));
  const log = createLogger(config.logLevel);
  if (!config.databaseUrl) {
    // The embedded database belongs to one process: if the service holds it, ask the service.
    const holder = readLock(config.dataDir);
    if (holder?.port) {
      try {
        const res = await fetch(`http://127.0.0.1:${holder.port}/internal/jobs/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-duban-local-secret': holder.secret },
          body: JSON.stringify({ at: at.toISOString() }),
        });
        const body = await res.text();
        if (!res.ok) throw new Error(`运行中的服务拒绝了任务：${res.status} ${body}`);
        console.log(`已通过运行中的服务（端口 ${holder.port}）执行任务 ${name}：${body}`);
        return;
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('运行中的服务')) throw e;
        // The holder may be gone; openDatabase below decides (a stale lock is taken over).
      }
    }
  }
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
  );
  try {
    const service = await buildService({
      config,
      db: database.db,
      log,
      listen: false,
      dispatch: false,
      schedule: false,
    });
    const result = await service.deps.runJob!(name, at);
    // A one-shot job also sends what it queued, unless it was the dispatch itself.
    const sent = name === 'dispatch' ? undefined : await service.dispatcher.runOnce(at);
    console.log(
      JSON.stringify({ job: name, at: at.toISOString(), result, ...(sent ? { dispatched: sent } : {}) }),
    );
    await service.stop();
  } finally {
    await database.close();
  }
}

main().catch((e) => {
  if (e instanceof ConfigError || e instanceof DataDirLockedError) console.error(e.message);
  else console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
