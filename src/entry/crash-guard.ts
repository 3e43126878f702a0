import type { Logger } from '../log.js';

/**
 * postgres.js 3.4.9 (the newest) can throw from a setImmediate after a connection closed under it
 * ("Cannot read properties of null (reading 'write')" in connection.js nextWrite, upstream issues
 * #1154 and #1208, unfixed). Nothing can catch it, and the query it belonged to was already
 * rejected with CONNECTION_CLOSED, so ending the process for it would turn a database restart into
 * a service outage. That one error is logged and survived; any other uncaught error still ends
 * the process (docs/decisions/0006-network.md).
 */
export function isPostgresNullSocketWrite(e: unknown): boolean {
  return (
    e instanceof TypeError &&
    /reading 'write'/.test(e.message) &&
    /postgres[\\/]src[\\/]connection\.js/.test(e.stack ?? '') &&
    /nextWrite/.test(e.stack ?? '')
  );
}

/** Installs the guard once per process; `exit` is called for every other uncaught error. */
export function installCrashGuard(log: Logger, exit: (code: number) => void = (c) => process.exit(c)): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (e) => {
    if (isPostgresNullSocketWrite(e)) {
      log.warn({ action: 'db.socket_closed', err: e }, 'a database connection closed under a pending write');
      return;
    }
    log.fatal({ action: 'crash', err: e }, 'uncaught exception');
    exit(1);
  });
}
let installed = false;
