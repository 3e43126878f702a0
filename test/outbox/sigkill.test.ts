import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/index.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';
import { type FakeLark, startFakeLark } from '../support/fake-lark.js';
import { larkRequest, textMessageEvent } from '../support/lark-requests.js';
import { killGroup, startNode } from '../support/processes.js';

// The real `npm start` entry, SIGKILLed while its sends hang at a Lark that got them but whose
// answers were lost; a second process takes the dead one's claims over within 5 s of being ready
// (its heartbeat goes stale after 3 s) and re-sends under the same uuids, so Lark's dedup makes
// each one message (docs/decisions/0007-outbox-recovery.md). Multi-process: PostgreSQL only.

const TOKEN = 'vt_kill';
const ENCRYPT_KEY = 'ek_kill';
const dirs: string[] = [];
const children: ChildProcess[] = [];
let fake: FakeLark | undefined;
let database: TestDatabase | undefined;
afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const gone = new Promise((r) => c.once('exit', r));
    killGroup(c, 'SIGKILL');
    await gone;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await fake?.close();
  await database?.close();
});

/** Starts the entry and resolves once it logs "started" (its loops run from then on). */
async function start(f: FakeLark, url: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'duban-kill-'));
  dirs.push(dataDir);
  return startNode(
    {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      LARK_APP_ID: f.appId,
      LARK_APP_SECRET: f.appSecret,
      LARK_VERIFICATION_TOKEN: TOKEN,
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_BASE_URL: f.url,
      APP_SECRET_KEY: 'kill-secret-key-0123456789abcdef0123456789',
      LOG_LEVEL: 'info',
    },
    children,
    60_000,
  );
}

const until = async (ok: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!onPostgres())('SIGKILL mid-send', () => {
  it('a restarted process sends every message exactly once, within 5 s of being ready', async () => {
    fake = await startFakeLark({ appId: 'cli_a0b1c2d3e4f5dead', appSecret: 'secret_kill' });
    database = await createTestDatabase();
    const f = fake;
    const db = database.db;
    const senders = ['ou_kill_a', 'ou_kill_b', 'ou_kill_c'];
    for (const [i, s] of senders.entries()) f.addUser({ open_id: s, name: `联络员${i + 1}` });
    // Each person's first answer reaches Lark, but its response never comes back.
    for (const s of senders) f.hangReceiver(`oc_p2p_${s}`, { accept: true, times: 1 });

    const first = await start(f, database.url!);
    let seq = 0;
    for (const round of [1, 2])
      for (const s of senders) {
        const messageId = `om_kill_${round}_${++seq}`;
        f.addInboundMessage(messageId, `oc_p2p_${s}`);
        const req = larkRequest(textMessageEvent({ token: TOKEN, sender: s, messageId, text: '/帮助' }), {
          encryptKey: ENCRYPT_KEY,
        });
        const res = await fetch(`${first.url}/lark/events`, {
          method: 'POST',
          headers: req.headers,
          body: req.body,
        });
        expect(res.status).toBe(200);
      }
    // Six answers queued; the first of each person is at Lark, unanswered; the rest wait behind it.
    await until(async () => (await db.select().from(outbox)).length === 6, 10_000, 'six rows');
    await until(() => f.messages.length === 3, 10_000, 'three held sends');
    killGroup(first.child, 'SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => first.child.once('exit', r));
    const before = await db.select().from(outbox);
    expect(before.filter((r) => r.status === 'sent')).toEqual([]);

    const second = await start(f, database.url!);
    await until(
      async () => (await db.select().from(outbox)).every((r) => r.status === 'sent'),
      20_000,
      'every row sent',
    );
    const tookMs = Date.now() - second.ready;
    const sinceKillMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(5_000);

    // Every answer arrived once: two per person, no uuid twice.
    const rows = await db.select().from(outbox);
    for (const s of senders) expect(f.sentTo(`oc_p2p_${s}`)).toHaveLength(2);
    expect(f.messages).toHaveLength(6);
    expect(new Set(f.messages.map((m) => m.uuid)).size).toBe(6);
    expect(new Set(f.messages.map((m) => m.uuid))).toEqual(new Set(rows.map((r) => r.sendUuid ?? r.id)));
    // The three held answers were sent again under the same uuid; Lark kept the first copy.
    const posts = f.requests.filter(
      (r) => r.method === 'POST' && r.path.startsWith('/open-apis/im/v1/messages'),
    );
    const perUuid = new Map<string, number>();
    for (const p of posts) {
      const u = (p.body as { uuid?: string }).uuid ?? '';
      perUuid.set(u, (perUuid.get(u) ?? 0) + 1);
    }
    expect([...perUuid.values()].sort()).toEqual([1, 1, 1, 2, 2, 2]);
    console.info(
      `sigkill: all 6 sent ${tookMs} ms after the restart was ready, ${sinceKillMs} ms after the kill`,
    );
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 180_000);
});
