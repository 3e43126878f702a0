import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkdayCalendar } from '../../src/domain/calendar.js';
import { pgOptions } from '../../src/entry/pg-types.js';
import { EVIDENCE_MAX_BYTES, TOO_LARGE_TEXT } from '../../src/services/evidence/common.js';
import { assignAs, cardOf, P, press, read, setupCampaign } from '../support/campaign.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';
import { type FakeLark, startFakeLark } from '../support/fake-lark.js';
import { ADMIN, type CardAnswer, ENCRYPT_KEY, type Harness, TOKEN } from '../support/harness.js';
import {
  cardActionEvent,
  fileMessageEvent,
  larkRequest,
  textMessageEvent,
} from '../support/lark-requests.js';

/**
 * src/entry/worker.ts in workerd (wrangler's unstable_startWorker: the same bundling and runtime as
 * `wrangler dev`), against PostgreSQL and the fake Lark, with the real SDK inside the Worker. No
 * PGlite on Workers, so PostgreSQL only. Sends happen in ctx.waitUntil after the answer, so the
 * test waits until the outbox and the job queue are empty instead of dispatching itself.
 */

const APP_ID = 'cli_a1b2c3d4e5f60718';
const TZ = 'Asia/Shanghai';
const REMINDER_CRON = '7 10 * * *'; // not the default 09:05: proves the variable steers the Worker

type StartedWorker = Awaited<ReturnType<typeof import('wrangler').unstable_startWorker>>;

describe.skipIf(!onPostgres())('the Worker in workerd', () => {
  let worker: StartedWorker;
  let fake: FakeLark;
  let database: TestDatabase;
  let sql: postgres.Sql;
  let h: Harness;
  let startMs = 0;

  /** Resolves once nothing is pending in the outbox or the job queue (the Worker's waitUntil work). */
  async function settled(deadlineMs = 20_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`
        select (select count(*) from outbox where status = 'pending')::int
             + (select count(*) from jobs where status in ('pending', 'running') and run_at <= now())::int as n`;
      if (row!.n === 0) return;
      if (Date.now() > until) throw new Error(`still ${row!.n} pending after ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function post(path: string, payload: unknown): Promise<Response> {
    const req = larkRequest(payload, { encryptKey: ENCRYPT_KEY });
    return worker.fetch(`http://worker${path}`, { method: 'POST', headers: req.headers, body: req.body });
  }

  beforeAll(async () => {
    process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'; // miniflare would fetch Request.cf from the internet
    process.env.WRANGLER_SEND_METRICS = 'false';
    database = await createTestDatabase();
    sql = postgres(database.url!, { ...pgOptions, max: 2 });
    fake = await startFakeLark({ appId: APP_ID, appSecret: 'secret_worker' });
    fake.addUser({ open_id: ADMIN, name: '管理员甲' });
    const vars: Record<string, string> = {
      DATABASE_URL: database.url!,
      LARK_APP_ID: APP_ID,
      LARK_APP_SECRET: 'secret_worker',
      LARK_VERIFICATION_TOKEN: TOKEN,
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_BASE_URL: fake.url,
      ADMIN_OPEN_IDS: ADMIN,
      APP_SECRET_KEY: 'worker-secret-key-0123456789abcdef01234567',
      APP_TIMEZONE: TZ,
      REMINDER_CRON,
      // Away from the ticks below: on a Monday the default 09:05 digest would send the unit's
      // weekly list, which names the problem too.
      DIGEST_CRON: '30 16 * * 1',
      LOG_LEVEL: 'warn',
    };
    const { unstable_startWorker } = await import('wrangler');
    const t0 = performance.now();
    worker = await unstable_startWorker({
      config: 'wrangler.toml',
      envFiles: [], // never a developer's .dev.vars or .env
      sendMetrics: false,
      // wrangler dev derives this from compatibility_flags; the API needs it spelt out.
      build: { nodejsCompatMode: 'v2' },
      bindings: Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [k, { type: 'plain_text' as const, value: v }]),
      ),
      dev: {
        remote: false,
        inspector: false,
        watch: false,
        persist: false,
        logLevel: 'error',
        server: { hostname: '127.0.0.1', port: 0 },
      },
    });
    await worker.ready;
    // The first request waits for the bundle; a Worker that fails to start would leave it hanging.
    const health = await Promise.race([
      worker.fetch('http://worker/healthz'),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('workerd did not answer')), 120_000),
      ),
    ]);
    expect(health.status).toBe(200);
    startMs = performance.now() - t0;
    h = {
      fake,
      say: (sender: string, text: string, e = {}) =>
        post('/lark/events', textMessageEvent({ token: TOKEN, sender, text, ...e })),
      dispatch: () => settled(),
      drain: () => fake.messages.splice(0, 0),
      async click(operator: string, e: Omit<Parameters<typeof cardActionEvent>[0], 'token' | 'operator'>) {
        const res = await post('/lark/cards', cardActionEvent({ token: TOKEN, operator, ...e }));
        return { status: res.status, body: (await res.json()) as CardAnswer };
      },
    } as unknown as Harness;
    await setupCampaign(h); // /角色 then /单位 as staff: roles come back as arrays in workerd
  }, 180_000);

  afterAll(async () => {
    await worker?.dispose();
    await sql?.end({ timeout: 5 });
    await database?.close();
    await fake?.close();
    console.info(`workerd: worker started and first request answered in ${Math.round(startMs)} ms`);
  });

  it('answers a signed webhook after the commit and sends the reply through the outbox', async () => {
    // workerd's node:crypto decoded chunks of a decipher separately, so a Chinese character across
    // a block boundary came out as U+FFFD and commands failed at random. Message ids of 16 lengths
    // move the text across every position relative to the AES blocks.
    const ids = Array.from({ length: 16 }, (_, k) => `om_w_${'x'.repeat(k)}`);
    for (const [k, messageId] of ids.entries()) {
      const res = await h.say(P.staff, `/交办 对齐测试第${k}项 单位:市人社局 期限:20个工作日`, { messageId });
      expect(res.status).toBe(200);
    }
    await settled();
    const answers = ids.map((id) => read(fake.messages.find((m) => m.replyTo === id)!).text);
    expect(answers.filter((t) => !t.startsWith('已交办 DB-'))).toEqual([]);
    const { code, reply } = await assignAs(h, '窗口排队时间过长 单位:市人社局 期限:20个工作日');
    expect(reply.text).toContain(`已交办 ${code}`);
    const card = cardOf(h, P.lead1, code);
    expect(card.buttons.map((b) => b.label)).toContain('签收');
    // An unsigned body is refused before any effect.
    const forged = await worker.fetch('http://worker/lark/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(textMessageEvent({ token: TOKEN, sender: P.staff, text: '/交办 x' })),
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  });

  it('answers a card click with the toast and the new card', async () => {
    const { code } = await assignAs(h, '材料重复提交 单位:市人社局 期限:20个工作日');
    const ans = await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    expect(ans.toast?.type).toBe('success');
    expect(JSON.stringify(ans.card?.data)).toContain(code);
    await settled();
  });

  it('downloads evidence through the SDK inside workerd and stores it with its hash', async () => {
    const { code } = await assignAs(h, '证明材料 单位:市人社局 期限:20个工作日');
    const card = cardOf(h, P.lead1, code);
    const bytes = Buffer.from('整改报告（Worker）'.repeat(500));
    fake.addResource('om_ev_w1', 'file_v3_ev_w1', bytes, 'application/pdf');
    fake.addInboundMessage('om_ev_w1', `oc_p2p_${P.lead1}`);
    const res = await post(
      '/lark/events',
      fileMessageEvent({
        token: TOKEN,
        sender: P.lead1,
        messageId: 'om_ev_w1',
        kind: 'file',
        fileKey: 'file_v3_ev_w1',
        fileName: '整改报告.pdf',
        parentId: card.messageId,
      }),
    );
    expect(res.status).toBe(200);
    await settled();
    const replies = fake.messages.filter((m) => m.replyTo === 'om_ev_w1').map(read);
    expect(replies.map((r) => r.text).join('\n')).toContain(code);
    const [row] = await sql<{ sha256: string; size: number }[]>`
      select b.sha256, octet_length(b.bytes) as size from evidence e join blobs b on b.sha256 = e.sha256
      join problems p on p.id = e.problem_id where p.code = ${code}`;
    expect(row).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  });

  it('refuses evidence above the cap inside workerd, with the usual answer', async () => {
    const { code } = await assignAs(h, '过大材料 单位:市人社局 期限:20个工作日');
    const card = cardOf(h, P.lead1, code);
    fake.addResource(
      'om_ev_big',
      'file_v3_ev_big',
      Buffer.alloc(EVIDENCE_MAX_BYTES + 1, 1),
      'application/pdf',
    );
    fake.addInboundMessage('om_ev_big', `oc_p2p_${P.lead1}`);
    const res = await post(
      '/lark/events',
      fileMessageEvent({
        token: TOKEN,
        sender: P.lead1,
        messageId: 'om_ev_big',
        kind: 'file',
        fileKey: 'file_v3_ev_big',
        fileName: '扫描件.pdf',
        parentId: card.messageId,
      }),
    );
    expect(res.status).toBe(200);
    await settled();
    const replies = fake.messages.filter((m) => m.replyTo === 'om_ev_big').map((m) => read(m).text);
    expect(replies).toEqual([TOO_LARGE_TEXT]);
  });

  it('imports a spreadsheet: preview card, then 确认导入 assigns the rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('问题清单');
    ws.addRow(['序号', '问题标题', '问题描述', '牵头单位', '配合单位', '类别', '时效', '期限', '来源']);
    ws.addRow([
      1,
      '社保卡补换需多次往返',
      '',
      '市人社局',
      '市民政局',
      '政务服务环境',
      '立行立改',
      '20个工作日',
      '',
    ]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    fake.addResource('om_xlsx_w1', 'file_v3_xlsx_w1', bytes, type);
    fake.addInboundMessage('om_xlsx_w1', `oc_p2p_${P.staff}`);
    const res = await post(
      '/lark/events',
      fileMessageEvent({
        token: TOKEN,
        sender: P.staff,
        messageId: 'om_xlsx_w1',
        kind: 'file',
        fileKey: 'file_v3_xlsx_w1',
        fileName: '清单.xlsx',
      }),
    );
    expect(res.status).toBe(200);
    await settled();
    const preview = fake.messages
      .filter((m) => m.replyTo === 'om_xlsx_w1')
      .map(read)
      .find((m) => m.msgType === 'interactive');
    expect(preview?.text).toContain('可导入 1 行');
    const ok = await press(h, P.staff, preview!, '确认导入');
    expect(ok.toast?.type).toBe('success');
    await settled();
    const [p] = await sql<
      { n: number }[]
    >`select count(*)::int as n from problems where title = '社保卡补换需多次往返'`;
    expect(p!.n).toBe(1);
  });

  it('scheduled(): the every-minute tick runs reminders at REMINDER_CRON in APP_TIMEZONE and sends them', async () => {
    const { code } = await assignAs(h, '未签收提醒 单位:市民政局 期限:20个工作日');
    // The next workday after today in APP_TIMEZONE (the Worker's own clock assigned the problem
    // today; after 16:00 UTC, Beijing is already on the next day).
    const cal = new WorkdayCalendar();
    const day = new Date(Date.now() + 8 * 3600_000);
    do day.setUTCDate(day.getUTCDate() + 1);
    while (!cal.isWorkday(day.toISOString().slice(0, 10)));
    const local = (hhmm: string) => new Date(`${day.toISOString().slice(0, 10)}T${hhmm}:00+08:00`);
    const tick = async (at: Date) => {
      // What `wrangler dev` offers for Cron Triggers; time in milliseconds since the epoch.
      const q = new URLSearchParams({ cron: '* * * * *', time: String(at.getTime()) });
      const res = await worker.fetch(`http://worker/cdn-cgi/handler/scheduled?${q}`);
      expect(res.status).toBe(200);
      await settled();
    };
    await settled();
    const before = fake.messages.length; // the assignment card itself says 未签收 too
    const chases = () =>
      fake.messages
        .slice(before)
        .map(read)
        .filter((m) => m.receiveId === P.co && m.text.includes(code) && m.text.includes('未签收'));
    await tick(local('09:05')); // the default time: not this deployment's schedule
    expect(chases()).toHaveLength(0);
    await tick(local('10:07'));
    expect(chases()).toHaveLength(1);
    await tick(local('10:08'));
    expect(chases()).toHaveLength(1);
  });
});
