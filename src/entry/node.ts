import { ConfigError, checkSigning, parseConfig } from '../config.js';
import { createLogger } from '../log.js';
import { installCrashGuard } from './crash-guard.js';
import { DataDirLockedError } from './data-dir-lock.js';
import { openConfiguredDatabase } from './database.js';
import { withSecretKey } from './secret-key.js';
import { buildService } from './service.js';

/** Composition root on Node: config, PGlite or postgres.js, node-cron, HTTP server. */
async function main() {
  let config: ReturnType<typeof parseConfig>;
  let unsignedWarning: string | undefined;
  try {
    config = withSecretKey(parseConfig(process.env), (m) => console.warn(m));
    unsignedWarning = checkSigning(config, 'node');
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`duban 无法启动：配置有误。\n${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  installCrashGuard(log);
  if (unsignedWarning) log.warn({ action: 'start.unsigned' }, unsignedWarning);
  const database = await openConfiguredDatabase(config);
  if (database instanceof DataDirLockedError) {
    console.error(database.message);
    process.exit(1);
  }
  const service = await buildService({
    config,
    db: database.db,
    log,
    localSecret: database.lock?.info.secret,
  });
  if (database.lock && service.url) database.lock.setPort(Number(new URL(service.url).port));
  log.info(
    {
      action: 'start',
      url: service.url,
      database: database.kind,
      mode: config.lark ? 'lark' : 'local',
      timezone: config.timezone,
    },
    config.lark
      ? 'duban started'
      : 'duban started in local mode: nothing leaves this machine; outgoing messages are shown here',
  );
  // SIGTERM ends within 10 s (docs/decisions/0006-network.md): service.stop() bounds each part,
  // and a last timer makes sure a part that ignores its bound cannot keep the process alive.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ action: 'stop', signal }, 'stopping');
    setTimeout(() => {
      log.error({ action: 'stop', signal }, 'shutdown overran its deadline; exiting');
      process.exit(1);
    }, 9_500).unref();
    await service.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
