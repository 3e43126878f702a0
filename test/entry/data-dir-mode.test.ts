import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, lockPath } from '../../src/entry/data-dir-lock.js';

/** The embedded database's files are the service's alone (issue 9, item 12). */

const root = mkdtempSync(join(tmpdir(), 'duban-mode-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('PGlite data directory', () => {
  it('a new directory is 0700 and its lock file 0600, whatever the umask', () => {
    const dir = join(root, 'new');
    const old = process.umask(0o022);
    try {
      const lock = acquireDataDirLock(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(lockPath(dir)).mode & 0o777).toBe(0o600);
      lock.setPort(8080);
      expect(statSync(lockPath(dir)).mode & 0o777).toBe(0o600);
      lock.release();
    } finally {
      process.umask(old);
    }
  });

  it('an existing world-readable directory is tightened', () => {
    const dir = join(root, 'old');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const lock = acquireDataDirLock(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    lock.release();
  });
});
