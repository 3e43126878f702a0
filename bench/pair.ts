/**
 * Two service instances on one PostgreSQL database (npm run bench -- --only pair):
 *   1. combined intake: the /帮助 load split over both ports at once, dispatchers off;
 *   2. combined sends: a fake Lark in this process, both instances dispatching with the real
 *      limits (5/s per receiver, 50/s and 1,000/min per app, shared through PostgreSQL), a burst of
 *      queued replies into a few chats and to many users; the fake's arrival times are then
 *      checked over sliding 1 s and 60 s windows.
 */
import postgres from 'postgres';
import { startFakeLark } from '../src/dev/fake-lark.js';
import { larkRequest, textMessageEvent } from '../src/dev/lark-requests.js';
import { openDatabase } from '../src/entry/database.js';
import { LARK_LIMITS } from '../src/outbox/rate-limit.js';
import { BENCH_LARK, BENCH_SENDERS, makeEvents, senderId } from './events.js';
import { EventFeed, load, startServer, stopServer } from './processes.js';

/** Messages whose window (at − span, at] holds more than `limit` arrivals of the same key. */
export function violations(
  arrivals: { at: number; key: string }[],
  span: number,
  limit: number,
  byKey: boolean,
): number {
  const groups = new Map<string, number[]>();
  for (const a of arrivals) {
    const k = byKey ? a.key : '';
    groups.set(k, [...(groups.get(k) ?? []), a.at]);
  }
  let bad = 0;
  for (const times of groups.values()) {
    times.sort((x, y) => x - y);
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while (times[lo]! <= times[hi]! - span) lo++;
      if (hi - lo + 1 > limit) bad++;
    }
  }
  return bad;
}

/** One /帮助 per sender (p2p), each a distinct event, signed and encrypted. */
function makeBurst(senders: string[], prefix: string) {
  return senders.map((sender, i) => {
    const messageId = `om_${prefix}_${i}`;
    const payload = textMessageEvent({
      eventId: `ev_${prefix}_${i}`,
      messageId,
      token: BENCH_LARK.verificationToken,
      appId: BENCH_LARK.appId,
      sender,
      text: '/帮助',
    });
    return { sender, messageId, ...larkRequest(payload, { encryptKey: BENCH_LARK.encryptKey }) };
  });
}

/** The shortest span (ms) holding limit + 1 arrivals of one key: ≥ the window means within the limit. */
export function tightest(
  arrivals: { at: number; key: string }[],
  limit: number,
  byKey: boolean,
): number | undefined {
  const groups = new Map<string, number[]>();
  for (const a of arrivals) {
    const k = byKey ? a.key : '';
    groups.set(k, [...(groups.get(k) ?? []), a.at]);
  }
  let best: number | undefined;
  for (const times of groups.values()) {
    times.sort((x, y) => x - y);
    for (let i = limit; i < times.length; i++) {
      const span = times[i]! - times[i - limit]!;
      if (best === undefined || span < best) best = span;
    }
  }
  return best;
}

export async function benchPair(adminUrl: string, o: { seconds: number; connections: number }) {
  const name = `duban_bench_pair_${process.pid}`;
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const dbUrl = u.toString();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await (await openDatabase({ url: dbUrl, max: 1 })).close();
  const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const fake = await startFakeLark({ appId: BENCH_LARK.appId, appSecret: BENCH_LARK.appSecret });
  for (let i = 0; i < BENCH_SENDERS; i++) fake.addUser({ open_id: senderId(i), name: `用户${i}` });
  const env = { BENCH_LARK_URL: fake.url };
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  try {
    // 1. Combined intake.
    for (let i = 0; i < 2; i++) servers.push(await startServer('duban', dbUrl, { env }));
    const events = makeEvents(40_000, `p${process.pid}`);
    const feeds = [0, 1].map((k) => new EventFeed(events.filter((_, i) => i % 2 === k)));
    const half = Math.max(1, Math.floor(o.connections / 2));
    await Promise.all(servers.map((s, k) => load(s.url, '/lark/events', 2, feeds[k]!, half)));
    const runs = await Promise.all(
      servers.map((s, k) => load(s.url, '/lark/events', o.seconds, feeds[k]!, half)),
    );
    const ok = runs.reduce((a, r) => a + r['2xx'], 0);
    const intake = {
      eventsPerSecond: Math.round(ok / o.seconds),
      perInstance: runs.map((r) => Math.round(r['2xx'] / r.duration)),
      p99: Math.max(...runs.map((r) => r.latency.p99)),
      non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
      errors: runs.reduce((a, r) => a + r.errors, 0),
    };
    console.log(
      `\ntwo instances, one database: combined intake ${intake.eventsPerSecond} events/s ` +
        `(${intake.perInstance.join(' + ')}), p99 ${intake.p99} ms, non-2xx ${intake.non2xx}, errors ${intake.errors}`,
    );
    for (const s of servers.splice(0)) await stopServer(s.child);

    // 2. Combined sends: only the burst is queued.
    await db`delete from outbox`;
    for (let i = 0; i < 2; i++)
      servers.push(await startServer('duban', dbUrl, { env, flags: ['--dispatch-loop'] }));
    const senders = Array.from({ length: 300 }, (_, i) => senderId(i < 150 ? i % 3 : 3 + (i - 150)));
    const burstEvents = makeBurst(senders, `q${process.pid}`);
    for (const e of burstEvents) fake.addInboundMessage(e.messageId, `oc_p2p_${e.sender}`);
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        while (next < burstEvents.length) {
          const e = burstEvents[next++]!;
          const r = await fetch(`${servers[w % 2]!.url}/lark/events`, {
            method: 'POST',
            headers: e.headers,
            body: e.body,
          });
          await r.arrayBuffer();
        }
      }),
    );
    while (fake.messages.length < burstEvents.length && Date.now() - t0 < 120_000)
      await new Promise((r) => setTimeout(r, 200));
    const arrivals = fake.messages.map((m) => ({ at: m.at, key: m.chatId }));
    const L = LARK_LIMITS;
    const v = {
      perReceiverPerSecond: violations(arrivals, 1000, L.perKeyPerSecond, true),
      perAppPerSecond: violations(arrivals, 1000, L.perSecond, false),
      perAppPerMinute: violations(arrivals, 60_000, L.perMinute, false),
      total: 0,
      /** Shortest span holding 6 arrivals in one chat, and 51 arrivals overall (ms; ≥ 1000 is within). */
      tightestPerReceiverMs: tightest(arrivals, L.perKeyPerSecond, true),
      tightestPerAppMs: tightest(arrivals, L.perSecond, false),
    };
    v.total = v.perReceiverPerSecond + v.perAppPerSecond + v.perAppPerMinute;
    const times = arrivals.map((a) => a.at).sort((x, y) => x - y);
    const spanS = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : 0;
    const sends = {
      queued: burstEvents.length,
      delivered: fake.messages.length,
      seconds: Math.round(spanS * 10) / 10,
      perSecond: spanS ? Math.round((times.length / spanS) * 10) / 10 : undefined,
      violations: v,
    };
    console.log(
      `two instances, one fake Lark: ${sends.delivered} of ${sends.queued} replies delivered in ${sends.seconds} s ` +
        `(${sends.perSecond}/s; 150 into 3 chats, 150 to distinct users); violations of 5/s per receiver ` +
        `${v.perReceiverPerSecond}, 50/s per app ${v.perAppPerSecond}, 1,000/min per app ${v.perAppPerMinute} ` +
        `(tightest: 6 in one chat within ${v.tightestPerReceiverMs} ms, 51 overall within ${v.tightestPerAppMs} ms): ` +
        `${v.total === 0 && sends.delivered === sends.queued ? 'MET' : 'NOT MET'}`,
    );
    return { intake, sends };
  } finally {
    for (const s of servers) await stopServer(s.child).catch(() => {});
    await fake.close();
    await db.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end({ timeout: 5 });
  }
}
