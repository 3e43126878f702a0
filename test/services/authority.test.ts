import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../cards/render-text.js';
import { problems } from '../../db/schema/index.js';
import { ask, assignAs, cardOf, EMAIL, P, press, read, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Separation of duties (docs/decisions/0009-separation-of-duties.md): no one decides a request
 * they made or one from their own unit; problems outside any group go to staff; admins decide
 * when everyone else is excluded. Asserted on what people receive: cards, buttons, answers.
 */
let h: Harness;
let now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
beforeAll(async () => {
  // Waiting requests are chased the same day, so the reminder test needs no calendar walk.
  h = await startHarness({ clock: () => now, env: { REQUEST_WAIT_WORKDAYS: '0' } });
  await setupCampaign(h);
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.dispatch();
  h.drain();
});

const labels = (m: { buttons: { label: string }[] }) => m.buttons.map((b) => b.label);
const stateOf = async (code: string) =>
  (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;
/** Every button any card about `code` held by `who` offers (sent or patched, latest version). */
function buttonsHeld(who: string, code: string): string[] {
  const out: string[] = [];
  for (const m of h.fake.messages) {
    if (m.msgType !== 'interactive' || m.receiveId !== who) continue;
    const r = read({ ...m, content: JSON.stringify(h.fake.latest(m.messageId) ?? m.json) });
    if (r.text.includes(code)) out.push(...labels(r));
  }
  return out;
}

let files = 0;
/** A file sent as a reply to the problem card, downloaded by the queue: close-out needs evidence. */
async function attachEvidence(who: string, cardMessageId: string) {
  const messageId = `om_auth_file_${++files}`;
  const fileKey = `file_v3_auth_${files}`;
  h.fake.addResource(messageId, fileKey, Buffer.from(`整改报告 ${files}`), 'application/pdf');
  h.fake.addInboundMessage(messageId, `oc_p2p_${who}`);
  const res = await h.sendFile(who, {
    messageId,
    kind: 'file',
    fileKey,
    fileName: '整改报告.pdf',
    parentId: cardMessageId,
  });
  expect(res.status).toBe(200);
  await h.runQueue();
  await h.dispatch();
}

async function closureRequested(unit: string, who: string, title: string): Promise<string> {
  const { code } = await assignAs(h, `${title} 单位:${unit} 期限:2026-12-31`);
  await press(h, who, cardOf(h, who, code), '签收');
  await h.dispatch();
  await attachEvidence(who, cardOf(h, who, code).messageId);
  const r = await press(h, who, cardOf(h, who, code), '申请销号', { summary: '已完成整改' });
  expect(r.toast?.content).toContain('已提交');
  await h.dispatch();
  return code;
}

describe('separation of duties', () => {
  it('a contact who is also a supervisor cannot approve their own close-out; staff decide problems outside any group', async () => {
    expect((await ask(h, P.admin, `/角色 督导 ${EMAIL(P.lead1)}`)).text).toContain('已授予');
    const code = await closureRequested('市人社局', P.lead1, '自审自批');
    // The requester holds no decision button, on any copy or a fresh /查看.
    expect(buttonsHeld(P.lead1, code)).not.toContain('同意销号');
    expect(labels(await ask(h, P.lead1, `/查看 ${code}`))).not.toContain('同意销号');
    // Outside any group the decision is staff's, not every supervisor's.
    expect(buttonsHeld(P.sup, code)).not.toContain('同意销号');
    const staffCard = cardOf(h, P.staff, code);
    expect(labels(staffCard)).toContain('同意销号');
    // The staff card's button, clicked by the requester, is refused and changes nothing.
    const mine = await press(h, P.lead1, staffCard, '同意销号');
    expect(mine.toast?.type).toBe('error');
    expect((await stateOf(code)).state).toBe('closure_requested');
    // So is a supervisor's click on a group-less problem.
    const sup = await press(h, P.sup, staffCard, '同意销号');
    expect(sup.toast?.type).toBe('error');
    expect((await stateOf(code)).state).toBe('closure_requested');
    const ok = await press(h, P.staff, staffCard, '同意销号');
    expect(ok.toast?.type).toBe('success');
    expect((await stateOf(code)).state).toBe('closed');
  });

  it("when the group's only supervisor is the lead unit's contact, admins decide", async () => {
    await ask(h, P.staff, '/督导组 添加 教育督导组');
    await ask(h, P.staff, `/督导组 成员 教育督导组 添加 ${EMAIL(P.other)}`);
    await ask(h, P.staff, '/督导组 单位 教育督导组 市教育局');
    const code = await closureRequested('市教育局', P.other, '本单位督导');
    expect(buttonsHeld(P.other, code)).not.toContain('同意销号');
    expect(buttonsHeld(P.staff, code)).not.toContain('同意销号');
    const adminCard = cardOf(h, P.admin, code);
    expect(labels(adminCard)).toContain('同意销号');
    expect((await press(h, P.other, adminCard, '同意销号')).toast?.type).toBe('error');
    expect((await stateOf(code)).state).toBe('closure_requested');
    const ok = await press(h, P.admin, adminCard, '退回整改', { reason: '佐证不足' });
    expect(ok.toast?.type).toBe('success');
    expect((await stateOf(code)).state).toBe('in_progress');
  });

  it('staff who are a contact of the lead unit cannot settle its 改派 request; another staff member does', async () => {
    await ask(h, P.staff, `/联络员 添加 市民政局 ${EMAIL(P.staff)}`);
    const { code } = await assignAs(h, '民政改派 单位:市民政局 期限:2026-12-31');
    const r = await press(h, P.staff, cardOf(h, P.staff, code), '申请改派', { reason: '不属于民政职责' });
    expect(r.toast?.type).toBe('success');
    await h.dispatch();
    expect(buttonsHeld(P.staff, code)).not.toContain('处理改派申请');
    const adminCard = cardOf(h, P.admin, code);
    expect(labels(adminCard)).toContain('处理改派申请');
    // Opening the form from the admin's card is refused to the requester...
    expect((await press(h, P.staff, adminCard, '处理改派申请')).toast?.type).toBe('error');
    // ...and so is submitting the decision with the admin's form values.
    const form = await h.click(P.admin, {
      messageId: adminCard.messageId,
      value: adminCard.buttons.find((b) => b.label === '处理改派申请')!.value,
    });
    const submit = renderMessage('interactive', form.body.card!.data).buttons.find((b) => b.formFields)!;
    const forged = await h.click(P.staff, {
      messageId: adminCard.messageId,
      value: submit.value,
      formValue: { decision: 'accept', lead_unit: '市教育局', reason: '自己同意' },
    });
    expect(forged.body.toast?.type).toBe('error');
    expect((await stateOf(code)).state).toBe('assigned');
    expect(h.fake.sentTo(P.other).some((m) => read(m).text.includes(code))).toBe(false);
  });

  it('waiting requests chase only the eligible deciders', async () => {
    expect((await ask(h, P.admin, `/角色 督导 ${EMAIL(P.lead2)}`)).text).toContain('已授予');
    const code = await closureRequested('市人社局', P.lead2, '催办审核');
    now = new Date('2026-11-27T02:00:00Z'); // Friday
    await h.service.deps.runJob!('reminders', now);
    await h.dispatch();
    const got = h.drain().map(read);
    const chased = got.filter((m) => m.text.includes(code) && m.text.includes('销号申请待审核'));
    const to = new Set(chased.map((m) => m.receiveId));
    expect(to.has(P.staff)).toBe(true);
    expect(to.has(P.admin)).toBe(true);
    expect(to.has(P.lead2)).toBe(false);
    expect(to.has(P.lead1)).toBe(false);
    expect(to.has(P.sup)).toBe(false);
  });
});
