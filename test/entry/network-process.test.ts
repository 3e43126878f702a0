import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeLark, startFakeLark } from '../support/fake-lark.js';
import { larkRequest, textMessageEvent } from '../support/lark-requests.js';
import { cleanEnv, killGroup, startNode, tsx } from '../support/processes.js';

// The real `npm start` entry as a process (docs/decisions/0006-network.md): it refuses to run
// unsigned where others can reach it, does not wait on Lark to start, and SIGTERM ends it in 10 s.

const dirs: string[] = [];
const children: ChildProcess[] = [];
const fakes: FakeLark[] = [];
afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const gone = new Promise((r) => c.once('exit', r));
    killGroup(c, 'SIGKILL');
    await gone;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const f of fakes) await f.close();
});

function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'duban-net-'));
  dirs.push(d);
  return d;
}

const start = (env: Record<string, string>) => startNode({ DATA_DIR: tmp(), ...env }, children);

describe('fail closed', () => {
  it('local mode on a public HOST without signing keys refuses to start', { timeout: 120_000 }, () => {
    const r = spawnSync(tsx, ['src/entry/node.ts'], {
      env: { ...cleanEnv(), HOST: '0.0.0.0', PORT: '0', DATA_DIR: tmp() },
      encoding: 'utf8',
      timeout: 100_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('LARK_ENCRYPT_KEY');
    expect(r.stderr).toContain('ALLOW_UNSIGNED=1');
  });

  it('with ALLOW_UNSIGNED=1 it goes on starting, and says so', async () => {
    const child = spawn(tsx, ['src/entry/node.ts'], {
      env: { ...cleanEnv(), HOST: '0.0.0.0', ALLOW_UNSIGNED: '1', PORT: '0', DATA_DIR: tmp() },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await expect.poll(() => out, { timeout: 100_000, interval: 200 }).toContain('ALLOW_UNSIGNED=1');
    // A refused set-up exits at once with the configuration error; this one carries on.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(child.exitCode).toBeNull();
    expect(out).not.toContain('配置有误');
  }, 150_000);
});

describe('a Lark that never answers', () => {
  it('start-up completes, and SIGTERM mid-send ends the process within 10 s', async () => {
    const fake = await startFakeLark({ appId: 'cli_a0b1c2d3e4f50002', appSecret: 'secret_proc' });
    fakes.push(fake);
    fake.hang('/open-apis/');
    const svc = await start({
      HOST: '127.0.0.1',
      LARK_APP_ID: fake.appId,
      LARK_APP_SECRET: fake.appSecret,
      LARK_VERIFICATION_TOKEN: 'vt_proc',
      LARK_ENCRYPT_KEY: 'ek_proc',
      LARK_BASE_URL: fake.url,
      APP_SECRET_KEY: 'proc-secret-key-0123456789abcdef0123456789',
      LOG_LEVEL: 'info',
    });
    const req = larkRequest(textMessageEvent({ token: 'vt_proc', sender: 'ou_proc', text: '/帮助' }), {
      encryptKey: 'ek_proc',
    });
    const res = await fetch(`${svc.url}/lark/events`, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
    });
    expect(res.status).toBe(200);
    // The reply is on its way to a Lark that holds the connection open.
    await expect
      .poll(() => fake.requests.some((r) => r.path.includes('/im/') || r.path.includes('/auth/')), {
        timeout: 10_000,
      })
      .toBe(true);
    const t0 = Date.now();
    svc.child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => svc.child.once('exit', (c) => r(c)));
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(10_000);
    expect(code).not.toBeNull();
  }, 180_000);
});
