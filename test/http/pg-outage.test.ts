import type { AddressInfo } from 'node:net';
import { createServer, type Server, Socket } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/entry/database.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';
import { type Harness, startHarness } from '../support/harness.js';

// A PostgreSQL restart, seen through a TCP proxy this test owns (the shared server is never
// touched): while it is down /healthz says 503 and webhooks 5xx so Lark retries; afterwards the
// service recovers by itself, and no event it answered 200 is lost (docs/decisions/0006-network.md).

/**
 * Forwards to PostgreSQL until cut. Cut, it drops every connection and stops listening, like a
 * restarting server (connections refused); with `hold`, new connections are accepted and never
 * answered, like a host that went silent.
 */
async function startProxy(target: { host: string; port: number }) {
  const pairs = new Set<[Socket, Socket]>();
  let cut: false | 'down' | 'hold' = false;
  const held = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (cut === 'hold') return void held.add(client.on('error', () => {}));
    const upstream = new Socket();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.connect(target.port, target.host, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    cut(mode: 'down' | 'hold' = 'down') {
      cut = mode;
      if (mode === 'down') server.close();
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    async restore() {
      if (cut === 'down') await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      cut = false;
      for (const c of held) c.destroy();
      held.clear();
    },
    close: () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r())),
  };
}

describe.skipIf(!onPostgres())('PostgreSQL goes away and comes back', () => {
  let direct: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let h: Harness;
  beforeAll(async () => {
    direct = await createTestDatabase();
    const u = new URL(direct.url!);
    proxy = await startProxy({ host: u.hostname, port: Number(u.port || 5432) });
    u.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = await openDatabase({ url: u.toString(), max: 5 }, { migrate: false });
    h = await startHarness({ database: viaProxy });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
    await direct?.close();
  });

  it('503 and 5xx during the outage, recovery without a restart, and every 200 kept', async () => {
    const answered = new Map<string, number>();
    let n = 0;
    const say = async (i = n++) => {
      const eventId = `ev_pg_${i}`;
      const res = await h.say(`ou_pg_${i % 3}`, '/帮助', { eventId }).catch(() => undefined);
      answered.set(eventId, res?.status ?? 0);
      await res?.arrayBuffer();
      return res?.status ?? 0;
    };
    for (let i = 0; i < 3; i++) expect(await say()).toBe(200);

    // Cut while a burst is in flight: each answer is 200 (committed) or 5xx (Lark will retry).
    const burst = Array.from({ length: 6 }, () => say());
    await new Promise((r) => setTimeout(r, 30));
    proxy.cut();
    for (const s of await Promise.all(burst)) expect(s === 200 || s >= 500).toBe(true);

    const health = await fetch(`${h.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(503);
    const during = await say();
    expect(during).toBeGreaterThanOrEqual(500);

    await proxy.restore();
    await expect
      .poll(async () => (await fetch(`${h.url}/healthz`)).status, { timeout: 15_000, interval: 250 })
      .toBe(200);
    expect(await say()).toBe(200);
    // Lark redelivers what got a 5xx; now it is processed.
    for (const [eventId, status] of [...answered]) {
      if (status === 200) continue;
      const i = Number(eventId.slice('ev_pg_'.length));
      expect(await say(i)).toBe(200);
    }

    // A host that goes silent: no answer at all, not even a refusal. Health and webhooks must not
    // wait longer than the connect timeout (postgres.js would wait 30 s by default).
    proxy.cut('hold');
    const t0 = Date.now();
    const silent = await fetch(`${h.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(silent.status).toBe(503);
    const hook = say();
    expect(await hook).toBeGreaterThanOrEqual(500);
    expect(Date.now() - t0).toBeLessThan(12_000);
    await proxy.restore();
    await expect
      .poll(async () => (await fetch(`${h.url}/healthz`)).status, { timeout: 15_000, interval: 250 })
      .toBe(200);
    for (const [eventId, status] of [...answered]) {
      if (status === 200) continue;
      expect(await say(Number(eventId.slice('ev_pg_'.length)))).toBe(200);
    }

    const sql = postgres(direct.url!, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ event_id: string }[]>`select event_id from processed_events`;
      const kept = new Set(rows.map((r) => r.event_id));
      for (const [eventId, status] of answered) if (status === 200) expect(kept.has(eventId)).toBe(true);
      expect([...answered.values()].every((s) => s === 200)).toBe(true);
    } finally {
      await sql.end();
    }
  }, 90_000);
});
