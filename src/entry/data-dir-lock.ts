import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * PGlite is one process's database: two processes opening the same data directory both
 * write without error and silently lose rows. The holder writes DATA_DIR/duban.lock
 * (pid, port, a secret for local job requests); a second opener fails loudly.
 */
const LockInfo = z.object({
  pid: z.number().int(),
  port: z.number().int().optional(),
  secret: z.string(),
  startedAt: z.string(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `数据目录 ${resolve(dir)} 正被进程 ${holder.pid} 使用（嵌入式数据库只能由一个进程打开）。` +
        `\nThe data directory ${resolve(dir)} is held by process ${holder.pid}` +
        `${holder.port ? ` (duban on port ${holder.port})` : ''}; PGlite allows one process only. ` +
        'Stop it first, or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'DataDirLockedError';
  }
}

export function lockPath(dir: string): string {
  return join(dir, 'duban.lock');
}

export function readLock(dir: string): LockInfo | undefined {
  try {
    // Unreadable (half written, or not ours) counts as no lock, like a file that is not JSON.
    return LockInfo.safeParse(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).data;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  info: LockInfo;
  setPort(port: number): void;
  release(): void;
}

export function acquireDataDirLock(dir: string): DataDirLock {
  // The database files and the lock's secret are the service's alone, whatever the umask.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = lockPath(dir);
  const info: LockInfo = {
    pid: process.pid,
    secret: randomBytes(24).toString('hex'),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600); // exclusive create: atomic across processes
      chmodSync(path, 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const current = readLock(dir);
        if (current?.pid === process.pid && current.secret === info.secret) rmSync(path, { force: true });
      };
      process.once('exit', release);
      return {
        info,
        setPort(port) {
          info.port = port;
          const fd2 = openSync(path, 'w');
          writeSync(fd2, JSON.stringify(info));
          closeSync(fd2);
        },
        release,
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dir);
      if (holder && alive(holder.pid) && holder.pid !== process.pid)
        throw new DataDirLockedError(dir, holder);
      if (holder && holder.pid === process.pid) throw new DataDirLockedError(dir, holder);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${path}`);
}
