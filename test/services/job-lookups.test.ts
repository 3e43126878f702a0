import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { evidence, jobs, people, problemEvents } from '../../db/schema/index.js';
import { rowsOf } from '../../src/db.js';
import { assignAs, cardOf, P, read, useCampaign } from '../support/campaign.js';
import { onPostgres } from '../support/db.js';
import type { Harness } from '../support/harness.js';

// Jobs (evidence downloads, spreadsheet previews) look their actor up like an intake does:
// outside any transaction (docs/decisions/0006-network.md). With the contact API hanging, a
// job still finishes with the cached name, and no connection waits "idle in transaction".

let h: Harness;
const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
useCampaign(
  { clock: () => now },
  (x) => {
    h = x;
  },
  {
    last: () => {
      h.fake.reset();
    },
  },
);

const db = () => h.database.db;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The cached name is older than a day: the next look-up asks the contact API. */
const ageName = (openId: string) =>
  db()
    .update(people)
    .set({ fetchedAt: new Date(0) })
    .where(eq(people.openId, openId));

/**
 * Connections of this test's database that sit inside an open transaction, waiting for longer
 * than a busy transaction pauses between its statements.
 */
async function idleInTransaction(): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await db().execute(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction'
          and clock_timestamp() - state_change > interval '300 milliseconds'`,
    ),
  );
  return r!.n;
}

/**
 * Runs the queue once while watching the database: the most connections seen idle in a
 * transaction (PostgreSQL), and the slowest answer to a plain query meanwhile (both kinds: on
 * PGlite an open transaction holds the only connection).
 */
async function runQueueWatching(): Promise<{ done: number; idle: number; slowestMs: number; ms: number }> {
  let running = true;
  let idle = 0;
  let slowestMs = 0;
  const t0 = Date.now();
  const run = h.runQueue().finally(() => {
    running = false;
  });
  while (running) {
    const q0 = Date.now();
    if (onPostgres()) idle = Math.max(idle, await idleInTransaction());
    else await db().execute(sql`select 1`);
    slowestMs = Math.max(slowestMs, Date.now() - q0);
    await new Promise((r) => setTimeout(r, 50));
  }
  const r = await run;
  return { done: r.done, idle, slowestMs, ms: Date.now() - t0 };
}

let n = 0;

describe('jobs with the contact API hanging', () => {
  it('an evidence download completes with the cached name, and no transaction waits on Lark', async () => {
    const { code } = await assignAs(h, '办事窗口排长队 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    const card = cardOf(h, P.lead1, code);
    const messageId = `om_lookup_ev_${++n}`;
    h.fake.addResource(messageId, `file_v3_lookup_${n}`, Buffer.from('整改照片说明'), 'application/pdf');
    h.fake.addInboundMessage(messageId, `oc_p2p_${P.lead1}`);
    const res = await h.sendFile(P.lead1, {
      messageId,
      kind: 'file',
      fileKey: `file_v3_lookup_${n}`,
      fileName: '整改说明.pdf',
      parentId: card.messageId,
    });
    expect(res.status).toBe(200);
    await ageName(P.lead1);
    h.fake.hang('/contact/');

    const w = await runQueueWatching();
    expect(w.done).toBe(1);
    expect(w.idle).toBe(0);
    // The look-up budget (1 s), not the client deadline (10 s), bounds the wait; a plain query
    // meanwhile is never held up by the job.
    expect(w.slowestMs).toBeLessThan(2_000);
    expect(h.fake.requests.some((r) => r.path.includes('/contact/'))).toBe(true);

    const [e] = await db().select().from(evidence).where(eq(evidence.sourceMessageId, messageId));
    expect(e).toMatchObject({ name: '整改说明.pdf', uploadedBy: P.lead1 });
    const [ev] = await db()
      .select()
      .from(problemEvents)
      .where(eq(problemEvents.problemId, e!.problemId))
      .orderBy(sql`${problemEvents.id} desc`)
      .limit(1);
    expect(ev).toMatchObject({ kind: 'evidence', actorOpenId: P.lead1 });
    await h.dispatch();
    const replies = h.fake.messages.filter((m) => m.replyTo === messageId).map(read);
    expect(replies.map((m) => m.text)).toEqual([`已将佐证材料「整改说明.pdf」附到 ${code}。`]);
  }, 40_000);

  it('a spreadsheet preview completes, and no transaction waits on Lark', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('问题清单');
    ws.addRow(['序号', '问题标题', '问题描述', '牵头单位', '配合单位', '类别', '时效', '期限', '来源']);
    ws.addRow([1, '公交站台缺少遮阳棚', '', '市人社局', '', '', '', '2026/12/31', '座谈会']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const messageId = `om_lookup_xlsx_${++n}`;
    h.fake.addResource(messageId, `file_v3_lookup_${n}`, bytes, XLSX);
    h.fake.addInboundMessage(messageId, `oc_p2p_${P.staff}`);
    const res = await h.sendFile(P.staff, {
      messageId,
      kind: 'file',
      fileKey: `file_v3_lookup_${n}`,
      fileName: '清单.xlsx',
    });
    expect(res.status).toBe(200);
    await ageName(P.staff);
    h.fake.hang('/contact/');

    const w = await runQueueWatching();
    expect(w.done).toBe(1);
    expect(w.idle).toBe(0);
    expect(w.slowestMs).toBeLessThan(2_000);
    await h.dispatch();
    const preview = h.fake.messages
      .filter((m) => m.replyTo === messageId)
      .map(read)
      .find((m) => m.msgType === 'interactive');
    expect(preview?.text).toContain('可导入 1 行');
    const [job] = await db().select().from(jobs).where(eq(jobs.kind, 'import.download'));
    expect(job?.status).toBe('done');
  }, 40_000);
});
