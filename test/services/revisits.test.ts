import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { auditLog, problems, revisits } from '../../db/schema/index.js';
import { percent } from '../../src/domain/ranking.js';
import { firstCloseSatisfactionRate, satisfactionRate } from '../../src/domain/satisfaction.js';
import { satisfactionCounts } from '../../src/services/revisits/rates.js';
import { sealAnonymousRatings } from '../../src/services/revisits/seal-anonymous.js';
import {
  ask,
  assignAs,
  cardOf,
  closeWithEvidence,
  EMAIL,
  P,
  press,
  type ReadMessage,
  read,
  useCampaign,
} from '../support/campaign.js';
import { dumpText } from '../support/dump.js';
import type { Harness } from '../support/harness.js';

/**
 * 回访 (docs/domain.md "回访"): after 销号 the raiser rates the result once — a Lark raiser on a
 * card, a 代表 with a one-time web code passed on by staff, the anonymous raiser with the receipt
 * code. 不满意 lands on /不满意件 for 重办 or 说明理由.
 */
let h: Harness;
const START = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
let now = START;
const BASE = 'https://duban.example.gov.cn';
useCampaign(
  { clock: () => now, env: { PUBLIC_BASE_URL: BASE } },
  (x) => {
    h = x;
  },
  {
    first: () => {
      now = START;
    },
  },
);

const problemOf = async (code: string) =>
  (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;
const revisitsOf = async (code: string) =>
  h.database.db
    .select()
    .from(revisits)
    .where(eq(revisits.problemId, (await problemOf(code)).id))
    .orderBy(revisits.round);

let files = 0;
const close = (code: string) => closeWithEvidence(h, code);

/** Submits a form button of a card (by label) with the form's values. */
async function submit(who: string, c: ReadMessage, label: string, formValue: Record<string, unknown> = {}) {
  const b = c.buttons.find((x) => x.label === label);
  if (!b) throw new Error(`no ${label} on ${c.buttons.map((x) => x.label).join(',')}`);
  return (await h.click(who, { messageId: c.messageId, value: b.value, formValue })).body;
}

async function unsatisfiedCardOf(code: string): Promise<ReadMessage> {
  const first = await ask(h, P.staff, '/不满意件');
  const all = [first, ...h.drain().map(read)];
  const c = all.find((m) => m.text.includes(code));
  if (!c) throw new Error(`${code} not on /不满意件: ${all.map((m) => m.text).join(' | ')}`);
  return c;
}

const web = (path: string, form: Record<string, string>) =>
  fetch(`${h.url}${path}`, { method: 'POST', body: new URLSearchParams(form) });

describe('回访 from a Lark raiser', () => {
  it('the /交办 form takes a 提出人 too: an e-mail makes a Lark person, a name a 代表', async () => {
    const form = await ask(h, P.staff, '/交办');
    const submitForm = form.buttons.find((x) => x.label === '提交')!;
    const fields = { lead_unit: '市人力资源和社会保障局', deadline: '2026-12-31', timeliness: '长期整改' };
    for (const [title, raiser] of [
      ['表单交办的问题甲', EMAIL(P.stranger)],
      ['表单交办的问题乙', '王建国'],
    ] as const)
      await h.click(P.staff, {
        messageId: form.messageId,
        value: submitForm.value,
        formValue: { ...fields, title, raiser },
      });
    const rows = await h.database.db.select().from(problems);
    expect(rows.find((r) => r.title === '表单交办的问题甲')).toMatchObject({
      raiserKind: 'person',
      raiserOpenId: P.stranger,
    });
    expect(rows.find((r) => r.title === '表单交办的问题乙')).toMatchObject({
      raiserKind: 'deputy',
      raiserName: '王建国',
    });
  });

  it('提出人 by e-mail is shown on /交办 and /查看; the raiser alone rates once on the card', async () => {
    const { code, reply } = await assignAs(
      h,
      `社保窗口排队过长 单位:市人社局 期限:2026-12-31 提出人:${EMAIL(P.stranger)}`,
    );
    expect(reply.text).toContain('提出人：路人甲');
    await close(code);
    const c = cardOf(h, P.stranger, code);
    expect(c.text).toContain('社保窗口排队过长');
    expect(c.buttons.map((b) => b.label)).toEqual(['满意', '基本满意', '不满意']);
    // Someone else clicking the raiser's card is refused, and nothing changes.
    const other = await submit(P.other, c, '满意');
    expect(other.toast?.type).toBe('error');
    expect((await revisitsOf(code))[0]!.rating).toBeNull();
    const ok = await submit(P.stranger, c, '基本满意', { comment: '有改进' });
    expect(ok.toast?.type).toBe('success');
    const [v] = await revisitsOf(code);
    expect(v).toMatchObject({
      round: 1,
      raiserKind: 'person',
      rating: 'basic',
      comment: '有改进',
      ratedOn: '2026-11-26',
    });
    // A second answer is refused, the first stands.
    const again = await submit(P.stranger, c, '不满意');
    expect(again.toast?.type).toBe('error');
    expect((await revisitsOf(code))[0]!.rating).toBe('basic');
    const shown = await ask(h, P.staff, `/查看 ${code}`);
    expect(shown.text).toContain('提出人：路人甲');
    expect(shown.text).toContain('回访（第 1 次办结）：基本满意（有改进）');
    // The unit does not see who raised it.
    expect((await ask(h, P.lead1, `/查看 ${code}`)).text).not.toContain('路人甲');
  });

  it('不满意 → /不满意件 → 重办 → closed again: 首次办结满意率 counts it once, unsatisfied; 满意率 the latest', async () => {
    const { code } = await assignAs(
      h,
      `办事指南不清 单位:市人社局 期限:2026-12-31 提出人:${EMAIL(P.stranger)}`,
    );
    await close(code);
    await submit(P.stranger, cardOf(h, P.stranger, code), '不满意', { comment: '指南仍未更新' });
    expect((await ask(h, P.lead1, '/不满意件')).text).toContain('仅限工作人员');
    const item = await unsatisfiedCardOf(code);
    expect(item.text).toContain('指南仍未更新');
    expect(item.buttons.map((b) => b.label)).toEqual(['重办', '说明理由']);
    // Not staff: refused, the problem stays closed.
    expect(
      (await submit(P.lead1, item, '重办', { new_deadline: '2027-01-15 +0800', reason: '更新指南' })).toast
        ?.type,
    ).toBe('error');
    expect((await problemOf(code)).state).toBe('closed');
    // A deadline in the past is refused by reopen(): the disposition written before it is rolled back.
    const past = await submit(P.staff, item, '重办', {
      new_deadline: '2026-01-05 +0800',
      reason: '更新指南',
    });
    expect(past.toast?.type).toBe('error');
    expect((await revisitsOf(code))[0]!.disposition).toBeNull();
    expect((await problemOf(code)).state).toBe('closed');
    const r = await submit(P.staff, item, '重办', {
      new_deadline: '2027-01-15 +0800',
      reason: '请更新办事指南并公示',
    });
    expect(r.toast?.type, JSON.stringify(r)).toBe('success');
    const p = await problemOf(code);
    expect(p).toMatchObject({ state: 'in_progress', deadline: '2027-01-15' });
    await h.dispatch();
    const unitCard = cardOf(h, P.lead1, code);
    expect(unitCard.text).toContain('回访不满意，重办');
    expect(unitCard.text).toContain('请更新办事指南并公示');
    // Decided once: it leaves the list, and a second click is refused.
    expect((await submit(P.staff, item, '说明理由', { reason: '晚了' })).toast?.type).toBe('error');
    await close(code);
    await submit(P.stranger, cardOf(h, P.stranger, code), '满意');
    expect((await revisitsOf(code)).map((v) => [v.round, v.rating])).toEqual([
      [1, 'unsatisfied'],
      [2, 'satisfied'],
    ]);
    const one = await satisfactionCounts(h.database.db, sql`p.id = ${p.id}`);
    expect(one.total).toEqual({ rated: 1, satisfied: 1, firstRated: 1, firstSatisfied: 0 });
    // /统计 shows both rates, over every problem.
    const all = (await satisfactionCounts(h.database.db)).total;
    const stats = await ask(h, P.staff, '/统计');
    expect(stats.text).toContain(`满意率 ${percent(satisfactionRate(all))}`);
    expect(stats.text).toContain(`首次办结满意率 ${percent(firstCloseSatisfactionRate(all))}`);
    expect(stats.text).not.toContain('满意率 —');
    // The digest's campaign section shows them too.
    const digest = await ask(h, P.staff, '/周报');
    expect(digest.text).toContain(`回访满意率：${percent(satisfactionRate(all))}`);
    expect(digest.text).toContain(`首次办结满意率：${percent(firstCloseSatisfactionRate(all))}`);
    // /导出: the problem's latest 回访, and both rates per unit.
    const uploads = h.fake.uploads.length;
    await ask(h, P.staff, '/导出');
    expect(h.fake.uploads.length).toBe(uploads + 1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(h.fake.uploads.at(-1)!.bytes).buffer);
    const cells = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const head = (ws.getRow(1).values as unknown[]).map(String);
      return { ws, col: (k: string) => head.indexOf(k) };
    };
    const list = cells('问题清单');
    const row = list.ws.getRows(2, list.ws.rowCount - 1)!.find((r) => r.getCell(1).value === code)!;
    expect(row.getCell(list.col('回访')).value).toBe('满意（第 2 次办结）');
    const fig = cells('单位统计');
    const total = fig.ws.getRows(2, fig.ws.rowCount - 1)!.find((r) => r.getCell(1).value === '合计')!;
    expect(total.getCell(fig.col('满意率')).value).toBe(satisfactionRate(all));
    expect(total.getCell(fig.col('首次办结满意率')).value).toBe(firstCloseSatisfactionRate(all));
  });

  it('说明理由 reaches the Lark raiser', async () => {
    const { code } = await assignAs(h, `停车收费 单位:市教育局 期限:2026-12-31 提出人:${EMAIL(P.stranger)}`);
    const who = P.other;
    await press(h, who, cardOf(h, who, code), '签收');
    await h.dispatch();
    const messageId = `om_rv_file_${++files}`;
    h.fake.addResource(messageId, `file_v3_rv_${files}`, Buffer.from('报告'), 'application/pdf');
    h.fake.addInboundMessage(messageId, `oc_p2p_${who}`);
    await h.sendFile(who, {
      messageId,
      kind: 'file',
      fileKey: `file_v3_rv_${files}`,
      fileName: 'a.pdf',
      parentId: cardOf(h, who, code).messageId,
    });
    await h.runQueue();
    await h.dispatch();
    await press(h, who, cardOf(h, who, code), '申请销号', { summary: '已完成' });
    await h.dispatch();
    await press(h, P.staff, cardOf(h, P.staff, code), '同意销号');
    await h.dispatch();
    await submit(P.stranger, cardOf(h, P.stranger, code), '不满意');
    const r = await submit(P.staff, await unsatisfiedCardOf(code), '说明理由', {
      reason: '收费标准由省级文件规定，本市无权调整',
    });
    expect(r.toast?.type).toBe('success');
    await h.dispatch();
    expect(h.fake.sentTo(P.stranger).map(read).at(-1)!.text).toContain('收费标准由省级文件规定');
    expect((await revisitsOf(code))[0]).toMatchObject({ disposition: 'explained', decidedBy: P.staff });
    expect((await problemOf(code)).state).toBe('closed');
  });
});

describe('回访 from a 人大代表 with a web code', () => {
  async function codeFor(title: string): Promise<{ code: string; webCode: string }> {
    const { code, reply } = await assignAs(h, `${title} 单位:市人社局 期限:2026-12-31 提出人:张建国`);
    expect(reply.text).toContain('提出人：人大代表张建国');
    await close(code);
    // The staff member who recorded the 提出人 gets the code to pass on, with the page.
    const m = h.fake
      .sentTo(P.staff)
      .map(read)
      .find((x) => x.text.includes(code) && x.text.includes('回访码'));
    expect(m?.text).toContain(`${BASE}/revisit`);
    const webCode = /回访码转交该代表：([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(m!.text)?.[1];
    expect(webCode).toBeDefined();
    // Only its keyed hash is kept.
    expect(await dumpText(h.database.db)).not.toContain(webCode!.replace('-', ''));
    return { code, webCode: webCode! };
  }

  it('rates once on the web page; the code used twice is refused', async () => {
    const { code, webCode } = await codeFor('审批材料繁琐');
    const step1 = await web('/revisit', { step: 'code', code: webCode.toLowerCase() });
    expect(step1.status).toBe(200);
    expect(await step1.text()).toContain('审批材料繁琐');
    const wrong = await web('/revisit', { step: 'rate', code: webCode, rating: 'great' });
    expect(wrong.status).toBe(400);
    expect((await revisitsOf(code))[0]!.rating).toBeNull();
    const done = await web('/revisit', { step: 'rate', code: webCode, rating: 'satisfied', comment: '很好' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('已收到您对');
    expect((await revisitsOf(code))[0]).toMatchObject({
      raiserKind: 'deputy',
      rating: 'satisfied',
      comment: '很好',
    });
    const twice = await web('/revisit', { step: 'rate', code: webCode, rating: 'unsatisfied' });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('已经使用过');
    expect((await revisitsOf(code))[0]!.rating).toBe('satisfied');
    const byCode = await h.database.db.select().from(auditLog).where(eq(auditLog.actorName, '回访码'));
    expect(byCode.map((a) => [a.action, a.subjectId, a.actorOpenId])).toEqual([
      ['revisit.rated', code, null],
    ]);
  });

  it('after 30 days the code is refused and nothing changes', async () => {
    const { code, webCode } = await codeFor('证照办理慢');
    now = new Date(START.getTime() + 31 * 86_400_000);
    const late = await web('/revisit', { step: 'rate', code: webCode, rating: 'basic' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('已过期');
    expect((await revisitsOf(code))[0]!.rating).toBeNull();
    const bad = await web('/revisit', { step: 'code', code: 'AAAAA-BBBBB' });
    expect(bad.status).toBe(404);
  });
});

describe('回访 from the anonymous raiser', () => {
  const sender = 'ou_anon_revisit_7c1a';
  const mids = ['om_rv_anon_1', 'om_rv_anon_2', 'om_rv_anon_3', 'om_rv_anon_4', 'om_rv_anon_5'];
  const idsOf = (s: string) => [s, `on_${s.slice(3)}`, `u_${s.slice(3)}`, `oc_p2p_${s}`];

  it('is asked on /反馈查询, never by a message; answers with the receipt code; nothing ties it to them', async () => {
    h.fake.addUser({ open_id: sender, name: '某企业主' });
    await h.say(sender, '/匿名反馈 某窗口要求重复提交营业执照复印件', { messageId: mids[0] });
    await h.dispatch();
    const receipt = /回执码：([A-Z0-9-]{14})/.exec(h.fake.sentTo(sender).map(read).at(-1)!.text)![1]!;
    const leads = [await ask(h, P.staff, '/线索'), ...h.drain().map(read)];
    const lead = leads.find((c) => c.text.includes('重复提交营业执照复印件'))!;
    const conv = await h.click(P.staff, {
      messageId: lead.messageId,
      value: lead.buttons.find((b) => b.label === '转为问题')!.value,
      formValue: { title: '重复提交复印件', lead_unit: '市人社局', deadline: '2026-12-31 +0800' },
    });
    const code = /DB-\d{4}-\d{3}/.exec(conv.body.toast!.content)![0];
    await h.dispatch();
    const toSender = h.fake.sentTo(sender).length;
    await close(code);
    // Nothing goes to the sender (or anyone about them) on close.
    expect(h.fake.sentTo(sender)).toHaveLength(toSender);
    await h.say(sender, `/反馈查询 ${receipt}`, { messageId: mids[1] });
    await h.dispatch();
    expect(h.fake.sentTo(sender).map(read).at(-1)!.text).toContain('请对办理结果作出评价');
    await h.say(sender, `/反馈查询${receipt}不满意，仍要求复印件`, { messageId: mids[2] });
    await h.dispatch();
    expect(h.fake.sentTo(sender).map(read).at(-1)!.text).toContain('已收到您的评价：不满意');
    expect((await revisitsOf(code))[0]).toMatchObject({
      raiserKind: 'anonymous',
      rating: 'unsatisfied',
      comment: '仍要求复印件',
      ratedOn: '2026-11-26',
    });
    await h.say(sender, `/反馈查询 ${receipt} 满意`, { messageId: mids[3] });
    await h.dispatch();
    expect(h.fake.sentTo(sender).map(read).at(-1)!.text).toContain('已评价过');
    expect((await revisitsOf(code))[0]!.rating).toBe('unsatisfied');
    // No audit row at the time of the rating: the housekeeping appends it, dated by the day.
    const rated = () => h.database.db.select().from(auditLog).where(eq(auditLog.subjectType, 'revisit'));
    expect(await rated()).toHaveLength(0);
    await sealAnonymousRatings(h.database.db, new Date('2026-11-27T02:00:00Z'), 'Asia/Shanghai');
    const [a] = await rated();
    expect(a).toMatchObject({ actorOpenId: null, actorName: '匿名', at: new Date('2026-11-26T00:00:00Z') });
    // Rewritten by the housekeeping: the rating no longer carries the transaction id of the message
    // that brought it (it is newer than every message's event row, the later lookup's included).
    const xmins = async (q: string) => {
      const res = (await h.database.db.execute(sql.raw(q))) as unknown;
      return ((res as { rows?: { x: string }[] }).rows ?? (res as { x: string }[])).map((r) => Number(r.x));
    };
    const events = await xmins('select xmin::text as x from processed_events');
    const [mine] = await xmins(
      `select xmin::text as x from revisits where rating = 'unsatisfied' and raiser_kind = 'anonymous'`,
    );
    expect(mine!).toBeGreaterThan(Math.max(...events));
    // 说明理由 is shown to them on /反馈查询.
    const r = await submit(P.staff, await unsatisfiedCardOf(code), '说明理由', {
      reason: '复印件为法定要件',
    });
    expect(r.toast?.type).toBe('success');
    await h.say(sender, `/反馈查询 ${receipt}`, { messageId: mids[4] });
    await h.dispatch();
    expect(h.fake.sentTo(sender).map(read).at(-1)!.text).toContain('工作人员说明：复印件为法定要件');
    const db = await dumpText(h.database.db);
    const log = h.logText();
    for (const n of [...idsOf(sender), ...mids]) {
      expect(db.includes(n) ? `${n} in db` : 'ok').toBe('ok');
      expect(log.includes(n) ? `${n} in log` : 'ok').toBe('ok');
    }
  });

  it('the web lookup page offers the rating and takes it', async () => {
    const s2 = 'ou_anon_revisit_web_91';
    h.fake.addUser({ open_id: s2, name: '某人' });
    await h.say(s2, '/匿名反馈 网上办事系统经常无法登录', { messageId: 'om_rv_web_1' });
    await h.dispatch();
    const receipt = /回执码：([A-Z0-9-]{14})/.exec(h.fake.sentTo(s2).map(read).at(-1)!.text)![1]!;
    const early = await web('/feedback', { action: 'rate', code: receipt, rating: 'satisfied' });
    expect(early.status).toBe(409);
    const leads = [await ask(h, P.staff, '/线索'), ...h.drain().map(read)];
    const lead = leads.find((c) => c.text.includes('无法登录'))!;
    const conv = await h.click(P.staff, {
      messageId: lead.messageId,
      value: lead.buttons.find((b) => b.label === '转为问题')!.value,
      formValue: { title: '系统无法登录', lead_unit: '市人社局', deadline: '2026-12-31 +0800' },
    });
    const code = /DB-\d{4}-\d{3}/.exec(conv.body.toast!.content)![0];
    await h.dispatch();
    await close(code);
    const page = await (await web('/feedback', { action: 'lookup', code: receipt })).text();
    expect(page).toContain('name="rating"');
    const done = await web('/feedback', { action: 'rate', code: receipt, rating: 'basic' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('已收到您的评价：基本满意');
    expect((await revisitsOf(code))[0]!.rating).toBe('basic');
    expect(await (await web('/feedback', { action: 'lookup', code: receipt })).text()).not.toContain(
      'name="rating"',
    );
  });
});
