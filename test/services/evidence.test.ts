import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { blobs, evidence, jobs, problemEvents, problems } from '../../db/schema/index.js';
import { receiveEvidence } from '../../src/chat/attachments.js';
import { EVIDENCE_MAX_BYTES, LOCAL_MODE_TEXT, TOO_LARGE_TEXT } from '../../src/services/evidence/common.js';
import { assignAs, cardOf, P, press, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now }, (x) => {
  h = x;
});

const db = () => h.database.db;
const problemOf = async (code: string) =>
  (await db().select().from(problems).where(eq(problems.code, code)))[0]!;
const evidenceOf = async (code: string) =>
  db()
    .select()
    .from(evidence)
    .where(eq(evidence.problemId, (await problemOf(code)).id));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function assign(title: string) {
  return (await assignAs(h, `${title} 单位:市人社局 配合:市民政局 期限:2026-12-31`)).code;
}

let n = 0;
/** A user's image or file message (the bytes wait in the fake, as Lark keeps them); resolves once answered. */
async function send(
  who: string,
  o: {
    parentId?: string;
    rootId?: string;
    bytes?: Buffer;
    name?: string;
    kind?: 'image' | 'file';
    type?: string;
  } = {},
) {
  const messageId = `om_user_${++n}`;
  const fileKey = `${o.kind === 'image' ? 'img' : 'file'}_v3_user_${n}`;
  const bytes = o.bytes ?? Buffer.from(`整改报告第 ${n} 版`);
  h.fake.addResource(messageId, fileKey, bytes, o.type ?? 'application/pdf');
  h.fake.addInboundMessage(messageId, `oc_p2p_${who}`);
  const res = await h.sendFile(who, {
    messageId,
    kind: o.kind ?? 'file',
    fileKey,
    fileName: o.name ?? `报告${n}.pdf`,
    parentId: o.parentId,
    rootId: o.rootId,
  });
  expect(res.status).toBe(200);
  return { messageId, fileKey, bytes };
}

/** Runs the queue, sends what it queued, returns the bot's answers to a message, read. */
async function answersTo(messageId: string, at?: Date) {
  const r = await h.runQueue(at);
  await h.dispatch();
  return { run: r, replies: h.fake.messages.filter((m) => m.replyTo === messageId).map(read) };
}

describe('evidence sent as a reply to a problem card', () => {
  it('is downloaded by the queue, stored once with its hash, answered with the code, and counted on the card', async () => {
    const code = await assign('窗口材料重复提交');
    const card = cardOf(h, P.lead1, code);
    const f = await send(P.lead1, { parentId: card.messageId, name: '整改报告.pdf' });
    // The webhook only queued the download: nothing is said before the file is stored.
    await h.dispatch();
    expect(h.fake.messages.filter((m) => m.replyTo === f.messageId)).toHaveLength(0);
    const { run, replies } = await answersTo(f.messageId);
    expect(run.done).toBe(1);
    expect(replies.map((m) => m.text)).toEqual([`已将佐证材料「整改报告.pdf」附到 ${code}。`]);
    const [e] = await evidenceOf(code);
    expect(e).toMatchObject({
      sha256: sha(f.bytes),
      size: f.bytes.length,
      name: '整改报告.pdf',
      contentType: 'application/pdf',
      kind: 'file',
      uploadedBy: P.lead1,
      sourceMessageId: f.messageId,
    });
    const [b] = await db().select().from(blobs).where(eq(blobs.sha256, e!.sha256));
    expect(Buffer.from(b!.bytes).equals(f.bytes)).toBe(true);
    // Every live copy is patched: the lead contacts' cards and the cooperating unit's.
    for (const who of [P.lead1, P.lead2, P.co]) expect(cardOf(h, who, code).text).toContain('佐证材料：1 件');
    const hist = await db().select().from(problemEvents).where(eq(problemEvents.problemId, e!.problemId));
    expect(hist.find((x) => x.kind === 'evidence')).toMatchObject({
      text: '整改报告.pdf',
      actorOpenId: P.lead1,
    });

    // The same bytes again: nothing new.
    const again = await send(P.lead1, { parentId: card.messageId, bytes: f.bytes, name: '整改报告(1).pdf' });
    expect((await answersTo(again.messageId)).replies.map((m) => m.text)).toEqual([
      `该材料已提交过（${code}），无需重复提交。`,
    ]);
    expect(await evidenceOf(code)).toHaveLength(1);
    const [{ c }] = (await db()
      .select({ c: sql<number>`count(*)::int` })
      .from(blobs)
      .where(eq(blobs.sha256, e!.sha256))) as [{ c: number }];
    expect(c).toBe(1);
  });

  it('takes images, shown in cards by a key the bot uploaded, and a cooperating unit’s part in a thread', async () => {
    const code = await assign('办事指南更新不及时');
    const card = cardOf(h, P.co, code);
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const f = await send(P.co, { kind: 'image', rootId: card.messageId, bytes: png, type: 'image/png' });
    expect((await answersTo(f.messageId)).replies[0]?.text).toMatch(
      new RegExp(`^已将佐证材料「图片-20261126-\\d{6}\\.png」附到 ${code}。$`),
    );
    const [e] = await evidenceOf(code);
    const upload = h.fake.imageUploads.find((u) => u.bytes.equals(png));
    expect(e).toMatchObject({
      kind: 'image',
      contentType: 'image/png',
      fileKey: upload?.imageKey,
      unitId: expect.any(Number),
    });
    expect(e!.unitId).not.toBe((await problemOf(code)).leadUnitId);
  });

  it('refuses a file above the cap and stores nothing', async () => {
    const code = await assign('超大文件');
    const f = await send(P.lead1, {
      parentId: cardOf(h, P.lead1, code).messageId,
      bytes: Buffer.alloc(EVIDENCE_MAX_BYTES + 1, 1),
    });
    expect((await answersTo(f.messageId)).replies.map((m) => m.text)).toEqual([TOO_LARGE_TEXT]);
    expect(await evidenceOf(code)).toHaveLength(0);
    expect(
      await db()
        .select({ s: blobs.sha256 })
        .from(blobs)
        .where(eq(blobs.size, EVIDENCE_MAX_BYTES + 1)),
    ).toHaveLength(0);
  });

  it('refuses someone who is not a contact of the problem’s units, and queues nothing', async () => {
    const code = await assign('非承办单位');
    const before = (await db().select().from(jobs)).length;
    const f = await send(P.other, { parentId: cardOf(h, P.lead1, code).messageId });
    await h.dispatch();
    const reply = h.fake.messages.find((m) => m.replyTo === f.messageId);
    expect(reply && read(reply).text).toContain('联络员可以提交佐证材料');
    expect((await db().select().from(jobs)).length).toBe(before);
    expect(await evidenceOf(code)).toHaveLength(0);
  });

  it('retries a download Lark fails with 500 and stores it once', async () => {
    const code = await assign('下载失败重试');
    const card = cardOf(h, P.lead1, code);
    const messageId = `om_user_${++n}`;
    h.fake.failNext(
      `/resources/file_v3_retry`,
      { status: 500, body: { code: 500, msg: 'internal error' } },
      2,
    );
    h.fake.addResource(messageId, 'file_v3_retry', Buffer.from('retry'), 'application/pdf');
    await h.sendFile(P.lead1, {
      messageId,
      kind: 'file',
      fileKey: 'file_v3_retry',
      fileName: '重试.pdf',
      parentId: card.messageId,
    });
    const t0 = now.getTime();
    expect((await answersTo(messageId)).run).toEqual({ done: 0, retried: 1, failed: 0 });
    // Not due again before its backoff.
    expect((await answersTo(messageId)).run).toEqual({ done: 0, retried: 0, failed: 0 });
    expect((await answersTo(messageId, new Date(t0 + 60_000))).run.retried).toBe(1);
    const last = await answersTo(messageId, new Date(t0 + 10 * 60_000));
    expect(last.run.done).toBe(1);
    expect(last.replies.map((m) => m.text)).toEqual([`已将佐证材料「重试.pdf」附到 ${code}。`]);
    expect(await evidenceOf(code)).toHaveLength(1);
  });
});

describe('evidence sent without reply context', () => {
  it('gets a card of the sender’s open problems; only the sender’s click attaches it', async () => {
    const code = await assign('无上下文材料');
    const f = await send(P.lead1, { name: '现场照片说明.pdf' });
    await h.dispatch();
    const pick = read(h.fake.messages.find((m) => m.replyTo === f.messageId)!);
    expect(pick.text).toContain('这份材料属于哪个问题');
    const b = pick.buttons.find((x) => x.label.startsWith(code))!;
    expect(b.value).toMatchObject({ action: 'p.evidence.attach', mid: f.messageId, fk: f.fileKey });
    // Another contact of the same unit cannot answer for the sender.
    expect((await h.click(P.lead2, { messageId: pick.messageId, value: b.value })).body.toast?.type).toBe(
      'error',
    );
    const ok = await h.click(P.lead1, { messageId: pick.messageId, value: b.value });
    expect(ok.body.toast).toMatchObject({ type: 'success' });
    const { replies } = await answersTo(f.messageId);
    expect(replies.map((m) => m.text)).toContain(`已将佐证材料「现场照片说明.pdf」附到 ${code}。`);
    expect((await evidenceOf(code)).map((e) => e.name)).toEqual(['现场照片说明.pdf']);
  });

  it('tells someone with no open problems so, politely', async () => {
    const f = await send(P.stranger);
    await h.dispatch();
    expect(read(h.fake.messages.find((m) => m.replyTo === f.messageId)!).text).toContain(
      '没有可提交佐证材料的未办结问题',
    );
  });

  it('in local mode says evidence needs the Lark connection', async () => {
    const msg = { kind: 'file', fileKey: 'file_x', messageId: 'om_x', chatId: 'oc_x', mentions: [] };
    expect(
      await receiveEvidence(undefined, { msg } as unknown as Parameters<typeof receiveEvidence>[1]),
    ).toEqual({ text: LOCAL_MODE_TEXT });
  });
});

describe('viewing and using evidence', () => {
  it('查看材料 sends the list card and the files to the viewer; 查看 one file; strangers are refused', async () => {
    const code = await assign('查看材料');
    const f = await send(P.lead1, { parentId: cardOf(h, P.lead1, code).messageId, name: '验收单.pdf' });
    await answersTo(f.messageId);
    const pid = (await problemOf(code)).id;
    const uploads = h.fake.uploads.length;
    const r = await h.click(P.sup, { messageId: 'om_any', value: { action: 'p.evidence.list', pid } });
    expect(r.body.toast).toMatchObject({ type: 'success', content: '已发送至您的单聊' });
    await h.dispatch();
    const toSup = h.fake.sentTo(P.sup).map(read);
    expect(toSup.find((m) => m.msgType === 'interactive')?.text).toContain('验收单.pdf');
    expect(toSup.filter((m) => m.msgType === 'file')).toHaveLength(1);
    expect(h.fake.uploads.slice(uploads).map((u) => [u.fileName, u.bytes.equals(f.bytes)])).toEqual([
      ['验收单.pdf', true],
    ]);
    const [e] = await evidenceOf(code);
    expect(
      (await h.click(P.lead2, { messageId: 'om_any', value: { action: 'p.evidence.send', pid, eid: e!.id } }))
        .body.toast?.type,
    ).toBe('success');
    expect(
      (await h.click(P.other, { messageId: 'om_any', value: { action: 'p.evidence.list', pid } })).body.toast
        ?.type,
    ).toBe('error');
  });

  it('申请销号 is refused without evidence and accepted with it', async () => {
    const code = await assign('销号需佐证');
    await press(h, P.lead1, cardOf(h, P.lead1, code), '签收');
    await h.dispatch();
    const card = cardOf(h, P.lead1, code);
    const pid = (await problemOf(code)).id;
    const submit = {
      messageId: card.messageId,
      value: { action: 'p.closure.request', pid },
      formValue: { summary: '已整改完毕' },
    };
    const refused = await h.click(P.lead1, submit);
    expect(refused.body.toast).toMatchObject({ type: 'error' });
    expect(refused.body.toast?.content).toContain('尚无佐证材料');
    const f = await send(P.lead1, { parentId: card.messageId });
    await answersTo(f.messageId);
    expect((await h.click(P.lead1, submit)).body.toast).toMatchObject({ type: 'success' });
    expect((await problemOf(code)).state).toBe('closure_requested');
  });
});

describe('the job queue', () => {
  it('sweeps a job a crashed instance left leased, and a re-run duplicates nothing', async () => {
    const code = await assign('崩溃后重跑');
    const f = await send(P.lead1, { parentId: cardOf(h, P.lead1, code).messageId });
    const t0 = now.getTime();
    expect(await h.service.queue.claim(new Date(t0))).toHaveLength(1);
    // The claim is tied to the claimer's heartbeat (docs/decisions/0007-outbox-recovery.md): an
    // instance that crashed has none, so its claim is free at once, not after a lease.
    await db().update(jobs).set({ claimedBy: 'crashed-instance' }).where(eq(jobs.status, 'pending'));
    expect((await answersTo(f.messageId, new Date(t0 + 1000))).run.done).toBe(1);
    await db().update(jobs).set({ status: 'pending', attempts: 0 }).where(eq(jobs.status, 'done'));
    await answersTo(f.messageId, new Date(t0 + 7 * 60_000));
    expect(await evidenceOf(code)).toHaveLength(1);
  });

  it('gives up after five failed downloads (or at once when Lark refuses) and tells the sender', async () => {
    const code = await assign('下载一直失败');
    const card = cardOf(h, P.lead1, code);
    const f = await send(P.lead1, { parentId: card.messageId });
    h.fake.failNext(`/resources/${f.fileKey}`, { status: 503, body: { code: 503, msg: 'busy' } }, 5);
    let last = { run: { done: 0, retried: 0, failed: 0 }, replies: [] as ReturnType<typeof read>[] };
    for (let i = 0; i < 5; i++)
      last = await answersTo(f.messageId, new Date(now.getTime() + i * 11 * 60_000));
    expect(last.run.failed).toBe(1);
    expect(last.replies.map((m) => m.text)).toEqual([
      '佐证材料保存失败：暂时无法从飞书下载。请稍后重新发送。',
    ]);
    // A resource Lark does not have (HTTP 400): no retry.
    const messageId = `om_user_${++n}`;
    await h.sendFile(P.lead1, {
      messageId,
      kind: 'file',
      fileKey: 'file_v3_missing',
      parentId: card.messageId,
    });
    const gone = await answersTo(messageId);
    expect(gone.run.failed).toBe(1);
    expect(gone.replies[0]?.text).toContain('佐证材料保存失败：飞书拒绝了下载请求');
    expect(await evidenceOf(code)).toHaveLength(0);
  });
});
