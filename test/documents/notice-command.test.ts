import { asc, eq } from 'drizzle-orm';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, documents } from '../../db/schema/index.js';
import { allocateNumber } from '../../src/services/documents/series.js';
import { ask, assignAs, EMAIL, P, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

const ORG = '丹江口市人大常委会办公室';
const SUP_B = 'ou_sup_b_qian';
let h: Harness;
const now = new Date('2026-12-02T02:00:00Z'); // Wednesday 10:00 in Asia/Shanghai
let lead = ''; // 市人社局, followed by 第一督导组 (P.sup)
let other = ''; // 市教育局, followed by 第二督导组 (SUP_B)

beforeAll(async () => {
  h = await startHarness({ clock: () => now, env: { ORG_NAME: ORG, ORG_DOC_PREFIX: '丹人大督' } });
  await setupCampaign(h);
  h.fake.addUser({ open_id: SUP_B, name: '钱督', email: EMAIL(SUP_B) });
  for (const cmd of [
    '/督导组 添加 第一督导组',
    '/督导组 添加 第二督导组',
    `/督导组 成员 第一督导组 添加 ${EMAIL(P.sup)}`,
    `/督导组 成员 第二督导组 添加 ${EMAIL(SUP_B)}`,
    '/督导组 单位 第一督导组 市人社局',
    '/督导组 单位 第二督导组 市教育局',
  ])
    await ask(h, P.staff, cmd);
  lead = (
    await assignAs(
      h,
      '企业开办材料重复提交 单位:市人社局 配合:市民政局 期限:2026-12-31 描述:同一材料重复提交 3 次以上',
    )
  ).code;
  other = (await assignAs(h, '校车线路不合理 单位:市教育局 期限:2027-01-15')).code;
  h.drain();
});
afterAll(() => h.stop());

const textOf = async (bytes: Buffer) => (await mammoth.extractRawText({ buffer: bytes })).value;
const issued = () => h.database.db.select().from(documents).orderBy(asc(documents.seq));

describe('/通知书', () => {
  it('sends the 督办通知书 as a .docx that holds the code, units, deadline, 文号 and organisation', async () => {
    const uploads = h.fake.uploads.length;
    const reply = await ask(h, P.staff, `/通知书 ${lead}`);
    expect(reply.msgType).toBe('file');
    const up = h.fake.uploads[uploads];
    expect(up?.fileName).toBe(`督办通知书-${lead}（丹人大督〔2026〕1号）.docx`);
    const text = await textOf(up!.bytes);
    for (const s of [
      lead,
      '企业开办材料重复提交',
      '市人力资源和社会保障局',
      '市民政局',
      '2026年12月31日',
      '丹人大督〔2026〕1号',
      ORG,
      '二〇二六年十二月二日',
      '王敏',
    ])
      expect(text).toContain(s);
    const [row] = await issued();
    expect(row).toMatchObject({ kind: 'notice', docNumber: '丹人大督〔2026〕1号', createdBy: P.staff });
  });

  it('is listed in the problem history and the audit trail with its 文号', async () => {
    const show = await ask(h, P.staff, `/查看 ${lead}`);
    expect(show.text).toContain('制发公文：督办通知书 丹人大督〔2026〕1号');
    const audit = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'document'));
    expect(audit.map((a) => a.subjectId)).toContain('丹人大督〔2026〕1号');
  });

  it('asked in a group, goes to the asker one-to-one and the group gets a short note', async () => {
    const reply = await ask(h, P.sup, `/通知书 ${lead}`, { chatId: 'oc_group_one', chatType: 'group' });
    expect(reply.text).toBe('督办通知书（丹人大督〔2026〕2号）已单独发送给您。');
    const file = h.fake.messages.filter((m) => m.msgType === 'file').at(-1);
    expect(file).toMatchObject({ kind: 'send', receiveIdType: 'open_id', receiveId: P.sup });
    expect(h.fake.messages.filter((m) => m.msgType === 'file' && m.chatId === 'oc_group_one')).toEqual([]);
  });

  it('refuses an unknown code, a unit contact and a supervisor of another group, issuing nothing', async () => {
    const before = (await issued()).length;
    expect((await ask(h, P.staff, '/通知书 DB-2026-999')).text).toContain('未找到问题 DB-2026-999');
    expect((await ask(h, P.staff, '/通知书 abc')).text).toContain('不是有效的问题编号');
    expect((await ask(h, P.staff, '/通知书')).text).toContain('格式：/通知书 <编号>');
    expect((await ask(h, P.lead1, `/通知书 ${lead}`)).text).toContain('工作人员或督导组成员');
    expect((await ask(h, P.sup, `/通知书 ${other}`)).text).toContain(`您无权获取 ${other} 的督办通知书`);
    expect((await ask(h, SUP_B, `/通知书 ${other}`)).msgType).toBe('file');
    expect((await issued()).length).toBe(before + 1);
  });

  it('two concurrent requests get consecutive, unique 文号', async () => {
    const before = (await issued()).map((d) => d.seq);
    const ids = ['om_c1', 'om_c2'];
    const res = await Promise.all(ids.map((messageId) => h.say(P.staff, `/通知书 ${lead}`, { messageId })));
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    await h.dispatch();
    const seqs = (await issued()).map((d) => d.seq).filter((s) => !before.includes(s));
    const last = Math.max(...before);
    expect(seqs.sort()).toEqual([last + 1, last + 2]);
    const names = h.fake.uploads
      .slice(-2)
      .map((u) => u.fileName)
      .sort();
    expect(names).toEqual([
      `督办通知书-${lead}（丹人大督〔2026〕${last + 1}号）.docx`,
      `督办通知书-${lead}（丹人大督〔2026〕${last + 2}号）.docx`,
    ]);
  });
});

describe('文号 series', () => {
  it('a rolled-back document gives its number back; a waiting one takes it, so there is no gap', async () => {
    const db = h.database.db;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let first = 0;
    const a = db
      .transaction(async (tx) => {
        first = await allocateNumber(tx, 'report', 2031);
        await sleep(300);
        throw new Error('rollback');
      })
      .catch(() => 'rolled back');
    await sleep(50);
    const b = db.transaction((tx) => allocateNumber(tx, 'report', 2031));
    expect(await a).toBe('rolled back');
    expect(await b).toBe(first);
    expect(await db.transaction((tx) => allocateNumber(tx, 'report', 2031))).toBe(first + 1);
    // Series are per kind and year.
    expect(await db.transaction((tx) => allocateNumber(tx, 'urge', 2031))).toBe(1);
  });
});
