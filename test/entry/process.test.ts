import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../src/entry/data-dir-lock.js';
import { openDatabase } from '../../src/entry/database.js';
import { textMessageEvent } from '../support/lark-requests.js';
import { cleanEnv, killGroup, startNode, tsx } from '../support/processes.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) killGroup(c, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'duban-proc-'));
  dirs.push(d);
  return d;
}

/** Starts `npm start`'s entry in local mode and waits for its "started" log line. */
const startLocal = (dataDir: string) => startNode({ DATA_DIR: dataDir }, children);

describe('configuration errors stop start-up with the variable named', () => {
  it('LARK_APP_ID without the verification token and encrypt key', () => {
    const r = spawnSync(tsx, ['src/entry/node.ts'], {
      env: { ...cleanEnv(), LARK_APP_ID: 'cli_a0b1c2d3e4f50004', LARK_APP_SECRET: 's', DATA_DIR: tmp() },
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('LARK_VERIFICATION_TOKEN');
    expect(r.stderr).toContain('LARK_ENCRYPT_KEY');
  }, 90_000);

  it('a port that is not a number', () => {
    const r = spawnSync(tsx, ['src/entry/node.ts'], {
      env: { ...cleanEnv(), PORT: 'eighty', DATA_DIR: tmp() },
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PORT');
  }, 90_000);
});

describe('local mode, end to end (npm start with no environment)', () => {
  it('answers /healthz, replies to a posted /help through the outbox, and holds the data directory', async () => {
    const dataDir = tmp();
    const svc = await startLocal(dataDir);
    expect(await (await fetch(`${svc.url}/healthz`)).json()).toEqual({ ok: true });
    const res = await fetch(`${svc.url}/lark/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(textMessageEvent({ token: 'any', sender: 'ou_local', text: '/帮助' })),
    });
    expect(res.status).toBe(200);
    // The reply stays in the outbox and is shown readably in the log.
    await expect.poll(() => svc.out(), { timeout: 10_000 }).toContain('使用说明');
    expect(svc.out()).toContain('outbox.local');

    // A second opener of the same PGlite directory fails loudly.
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    const second = spawnSync(tsx, ['src/entry/node.ts'], {
      env: { ...cleanEnv(), DATA_DIR: dataDir, PORT: '0' },
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('正被进程');

    // `npm run job -- dispatch` acts through the running service instead of opening the directory.
    const job = spawnSync(tsx, ['src/entry/job.ts', 'dispatch', '--at', new Date().toISOString()], {
      env: { ...cleanEnv(), DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(job.stderr).toBe('');
    expect(job.status).toBe(0);
    expect(job.stdout).toContain('运行中的服务');

    // Stopped cleanly, the data is kept and the lock released: a restart opens it.
    svc.child.kill('SIGTERM');
    await new Promise((r) => svc.child.once('exit', r));
    const reopened = await openDatabase({ dataDir });
    const rows = await reopened.pglite!.query<{ n: number }>('select count(*)::int as n from outbox');
    expect(rows.rows[0]!.n).toBe(1);
    await reopened.close();
  }, 90_000);

  it('a bad --at is refused with the usage', () => {
    const r = spawnSync(tsx, ['src/entry/job.ts', 'dispatch', '--at', 'tomorrow'], {
      env: { ...cleanEnv(), DATA_DIR: tmp() },
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ISO-8601');
  }, 90_000);
});
