import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, assignAs, cardOf, P, press, read, setupCampaign } from '../support/campaign.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';
import { type FakeLark, startFakeLark } from '../support/fake-lark.js';
import type { Harness } from '../support/harness.js';
import { ADMIN, ENCRYPT_KEY, TOKEN } from '../support/harness.js';
import {
  cardActionEvent,
  fileMessageEvent,
  larkRequest,
  textMessageEvent,
} from '../support/lark-requests.js';
import { cleanEnv, startNode, tsx } from '../support/processes.js';

// Several Node instances behind one URL (README "Deployment"): two real `npm start` processes on
// one PostgreSQL database and one fake Lark. Each webhook goes to the other instance than the last;
// every message is still sent once, Lark's per-receiver limit holds across both, and the reminders
// job run twice at once sends each reminder once.

const children: ChildProcess[] = [];
let database: TestDatabase;
let fake: FakeLark;
let urls: string[] = [];
let turn = 0;
const next = () => urls[turn++ % urls.length]!;

const serviceEnv = () => ({
  ...cleanEnv(),
  DATABASE_URL: database.url!,
  HOST: '127.0.0.1',
  PORT: '0',
  LARK_APP_ID: fake.appId,
  LARK_APP_SECRET: fake.appSecret,
  LARK_VERIFICATION_TOKEN: TOKEN,
  LARK_ENCRYPT_KEY: ENCRYPT_KEY,
  LARK_BASE_URL: fake.url,
  ADMIN_OPEN_IDS: ADMIN,
  // The same on every instance: form tokens and voting codes are HMACs under it.
  APP_SECRET_KEY: 'two-instances-key-0123456789abcdef0123456789',
  LOG_LEVEL: 'info',
});

const start = async (): Promise<string> => (await startNode(serviceEnv(), children, 60_000)).url;

const pending = async () => {
  const r = (await database.db.execute(
    sql`select (select count(*) from outbox where status = 'pending') + (select count(*) from jobs where status = 'pending') as n`,
  )) as unknown as { n: string | number }[] | { rows: { n: string | number }[] };
  return Number((Array.isArray(r) ? r : r.rows)[0]!.n);
};
/** The instances' own loops send; this waits until nothing is left to send or download. */
async function settle() {
  const until = Date.now() + 20_000;
  while ((await pending()) > 0) {
    if (Date.now() > until) throw new Error('the instances left rows unsent for 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The campaign helpers drive a Harness; this one posts each webhook to the next instance in turn. */
function alternating(): Harness {
  let seen = 0;
  const post = (path: string, payload: unknown) => {
    const req = larkRequest(payload, { encryptKey: ENCRYPT_KEY });
    return fetch(`${next()}${path}`, { method: 'POST', headers: req.headers, body: req.body });
  };
  const h = {
    fake,
    say: (sender: string, text: string, e = {}) => {
      const messageId = (e as { messageId?: string }).messageId;
      if (messageId) fake.addInboundMessage(messageId, `oc_p2p_${sender}`);
      return post('/lark/events', textMessageEvent({ token: TOKEN, sender, text, ...e }));
    },
    sendFile: (sender: string, e: object) =>
      post('/lark/events', fileMessageEvent({ token: TOKEN, sender, ...e } as never)),
    async click(operator: string, e: object) {
      const res = await post('/lark/cards', cardActionEvent({ token: TOKEN, operator, ...e } as never));
      return { status: res.status, body: await res.json() };
    },
    async dispatch() {
      await settle();
      return { sent: 0 };
    },
    async runQueue() {
      await settle();
      return {};
    },
    drain() {
      const out = fake.messages.slice(seen);
      seen = fake.messages.length;
      return out;
    },
  };
  return h as unknown as Harness;
}

/** Send requests (not messages: the fake folds a repeated uuid into one message) by uuid. */
const sendsByUuid = () => {
  const n = new Map<string, number>();
  for (const r of fake.requests) {
    if (r.method !== 'POST' || !/\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(r.path)) continue;
    const uuid = String((r.body as { uuid?: string })?.uuid ?? '');
    n.set(uuid, (n.get(uuid) ?? 0) + 1);
  }
  return n;
};

let h: Harness;
beforeAll(async () => {
  if (!onPostgres()) return;
  database = await createTestDatabase();
  fake = await startFakeLark({ appId: 'cli_a0b1c2d3e4f5000a', appSecret: 'secret_two' });
  fake.addUser({ open_id: ADMIN, name: '管理员甲' });
  urls = await Promise.all([start(), start()]);
  h = alternating();
  // Roles, units and contacts, set up through both instances in turn.
  await setupCampaign(h);
}, 120_000);
afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await gone;
  }
  await fake?.close();
  await database?.close();
});

describe.runIf(onPostgres())('two npm start processes on one PostgreSQL database', () => {
  it('the closed loop through both alternately: 交办, 签收, progress, evidence, close-out', async () => {
    const { code } = await assignAs(h, '窗口服务时间不统一 单位:市人社局 期限:2026-12-31');
    expect((await press(h, P.lead1, cardOf(h, P.lead1, code), '签收')).toast?.type).toBe('success');
    await settle();
    const progress = await press(h, P.lead1, cardOf(h, P.lead1, code), '反馈进展', {
      content: '已统一为 9:00—17:00',
      percent: '80',
      outcome: '统一窗口时间',
    });
    expect(progress.toast?.type).toBe('success');
    await settle();
    const messageId = 'om_two_file_1';
    fake.addResource(messageId, 'file_v3_two_1', Buffer.from('整改报告'), 'application/pdf');
    fake.addInboundMessage(messageId, `oc_p2p_${P.lead1}`);
    const file = await h.sendFile(P.lead1, {
      messageId,
      kind: 'file',
      fileKey: 'file_v3_two_1',
      fileName: '整改报告.pdf',
      parentId: cardOf(h, P.lead1, code).messageId,
    } as never);
    expect(file.status).toBe(200);
    await settle();
    const req = await press(h, P.lead1, cardOf(h, P.lead1, code), '申请销号', { summary: '已完成整改' });
    expect(req.toast?.content).toContain('已提交');
    await settle();
    const ok = await press(h, P.staff, cardOf(h, P.staff, code), '同意销号');
    expect(ok.toast?.type).toBe('success');
    await settle();
    expect((await ask(h, P.staff, `/查看 ${code}`)).text).toContain('已销号');
    for (const [uuid, n] of sendsByUuid()) expect({ uuid, n }).toEqual({ uuid, n: 1 });
  }, 60_000);

  it('a form token from one instance is taken by the other; a ballot code shown on one is cast on the other', async () => {
    const [a, b] = urls as [string, string];
    const page = await (await fetch(`${a}/feedback`)).text();
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    await new Promise((r) => setTimeout(r, 3_200)); // a token is good ≥ 3 s after issue
    const sent = await fetch(`${b}/feedback`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'submit', token, text: '两台实例之间的匿名反馈' }),
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('回执码');

    await ask(h, P.staff, '/评议对象 设置 市教育局,市人社局');
    await ask(h, P.staff, '/测评 开始');
    const codes = (await ask(h, P.staff, '/测评 投票码 群众 1')).text.match(/[A-Z2-9]{5}-[A-Z2-9]{5}/g)!;
    expect(codes).toHaveLength(1);
    const shown = await (
      await fetch(`${a}/ballot`, {
        method: 'POST',
        body: new URLSearchParams({ step: 'code', code: codes[0]! }),
      })
    ).text();
    const fields = Object.fromEntries(
      [...shown.matchAll(/name="(u_\d+)"/g)].map((m) => [m[1]!, 'satisfied']),
    );
    expect(Object.keys(fields)).toHaveLength(2);
    const cast = await fetch(`${b}/ballot`, {
      method: 'POST',
      body: new URLSearchParams({ step: 'vote', code: codes[0]!, ...fields }),
    });
    expect(cast.status).toBe(200);
    const again = await fetch(`${a}/ballot`, {
      method: 'POST',
      body: new URLSearchParams({ step: 'vote', code: codes[0]!, ...fields }),
    });
    expect(await again.text()).toContain('已经使用过');
  }, 30_000);

  it("Lark's 5 per second per receiver holds across both instances", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `om_two_burst_${i}`);
    const res = await Promise.all(ids.map((messageId) => h.say(P.other, '/帮助', { messageId })));
    expect(res.map((r) => r.status)).toEqual(ids.map(() => 200));
    await settle();
    const at = fake.messages
      .filter((m) => m.replyTo && ids.includes(m.replyTo))
      .map((m) => m.at)
      .sort((x, y) => x - y);
    expect(at).toHaveLength(12);
    // Any six arrivals span at least a second (less a little for the two connections' jitter);
    // each instance's own limiter alone would let ten through in one.
    for (let i = 0; i + 5 < at.length; i++) expect(at[i + 5]! - at[i]!).toBeGreaterThanOrEqual(900);
  }, 30_000);

  it('the reminders job run twice at once sends each reminder once', async () => {
    await assignAs(h, '逾期未签收的问题 单位:市民政局 期限:2026-12-04');
    await settle();
    const before = fake.messages.length;
    const at = '2026-12-08T09:05:00+08:00'; // Tuesday, four workdays past the deadline
    const job = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(tsx, ['src/entry/job.ts', 'reminders', '--at', at], {
          env: serviceEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        c.stdout!.on('data', (d) => (out += d));
        c.stderr!.on('data', (d) => (out += d));
        c.on('exit', (code) => resolve({ code, out }));
      });
    // Both sweeps must meet in the database, not merely overlap as processes: the test holds the
    // problems table until both jobs wait for a lock, then lets them go at the same instant.
    const gate = postgres(database.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const gated = gate.begin(async (tx) => {
      await tx`lock table problems in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    const started = [job(), job()];
    const waiting = async () => {
      const r = (await database.db.execute(
        sql`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      )) as unknown as { n: string | number }[];
      return Number(r[0]!.n);
    };
    const until = Date.now() + 60_000;
    while ((await waiting()) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBe(2);
    release();
    await gated;
    await gate.end();
    const runs = await Promise.all(started);
    for (const r of runs) expect(r.code, r.out).toBe(0);
    await settle();
    const got = fake.messages.slice(before).map(read);
    const toCo = got.filter((m) => m.receiveId === P.co);
    expect(toCo.length).toBeGreaterThan(0);
    const seen = got.map((m) => `${m.receiveId ?? m.chatId}\n${m.text}`);
    expect(new Set(seen).size).toBe(seen.length);
    for (const [uuid, n] of sendsByUuid()) expect({ uuid, n }).toEqual({ uuid, n: 1 });
  }, 60_000);
});
