import { afterAll, beforeAll, beforeEach } from 'vitest';
import { renderMessage } from '../../cards/render-text.js';
import type { FakeMessage } from './fake-lark.js';
import { ADMIN, type CardAnswer, type Harness, startHarness } from './harness.js';

/** The people of a small campaign, registered in the fake Lark's directory. */
export const P = {
  admin: ADMIN,
  staff: 'ou_staff_wang',
  sup: 'ou_sup_li',
  lead1: 'ou_lead_zhang',
  lead2: 'ou_lead_zhao',
  co: 'ou_co_liu',
  other: 'ou_other_chen',
  stranger: 'ou_stranger',
} as const;

export const EMAIL = (id: string) => `${id.slice(3)}@example.gov.cn`;

export interface ReadMessage extends FakeMessage {
  text: string;
  buttons: ReturnType<typeof renderMessage>['buttons'];
}

export function read(m: FakeMessage): ReadMessage {
  const r = renderMessage(m.msgType, m.content);
  return { ...m, text: r.text, buttons: r.buttons };
}

/** Sends a command and returns the bot's reply to it, read. */
export async function ask(
  h: Harness,
  who: string,
  text: string,
  extra: Parameters<Harness['say']>[2] = {},
): Promise<ReadMessage> {
  const messageId = `om_cmd_${Math.random().toString(16).slice(2)}`;
  const res = await h.say(who, text, { messageId, ...extra });
  if (res.status !== 200) throw new Error(`${text} → HTTP ${res.status}`);
  await h.dispatch();
  const reply = h.fake.messages.find((m) => m.replyTo === messageId);
  if (!reply) throw new Error(`no reply to ${text}`);
  return read(reply);
}

/** Sets up: staff, a supervisor, units 市人社局 (two contacts), 市民政局 (co), 市教育局 (other). */
export async function setupCampaign(h: Harness): Promise<void> {
  const names: [string, string][] = [
    [P.staff, '王敏'],
    [P.sup, '李强'],
    [P.lead1, '张伟'],
    [P.lead2, '赵磊'],
    [P.co, '刘芳'],
    [P.other, '陈静'],
    [P.stranger, '路人甲'],
  ];
  for (const [id, name] of names)
    h.fake.addUser({
      open_id: id,
      name,
      email: EMAIL(id),
      mobile: `+861380000${names.findIndex((x) => x[0] === id)}000`,
    });
  const cmds: [string, string][] = [
    [P.admin, `/角色 工作人员 ${EMAIL(P.staff)}`],
    [P.admin, `/角色 督导 ${EMAIL(P.sup)}`],
    [P.staff, '/单位 添加 市人力资源和社会保障局 简称:市人社局'],
    [P.staff, '/单位 添加 市民政局'],
    [P.staff, '/单位 添加 市教育局'],
    [P.staff, `/联络员 添加 市人社局 ${EMAIL(P.lead1)}`],
    [P.staff, `/联络员 添加 市人社局 ${EMAIL(P.lead2)}`],
    [P.staff, `/联络员 添加 市民政局 ${EMAIL(P.co)}`],
    [P.staff, `/联络员 添加 市教育局 ${EMAIL(P.other)}`],
  ];
  for (const [who, text] of cmds) {
    const r = await ask(h, who, text);
    if (!/已(授予|添加|设置)/.test(r.text)) throw new Error(`${text}: ${r.text}`);
  }
  h.drain();
}

/** The newest card (sent or patched) a person holds about a problem code. */
export function cardOf(h: Harness, who: string, code: string): ReadMessage {
  const cards = h.fake.messages.filter(
    (m) => m.msgType === 'interactive' && (m.receiveId === who || m.chatId === `oc_p2p_${who}`),
  );
  for (const m of [...cards].reverse()) {
    const latest = { ...m, content: JSON.stringify(h.fake.latest(m.messageId) ?? m.json) };
    const r = read(latest);
    if (r.text.includes(code)) return r;
  }
  throw new Error(`${who} has no card about ${code}`);
}

/** Clicks a button by its label on a card; with formValue, opens the form first, then submits it. */
export async function press(
  h: Harness,
  who: string,
  card: ReadMessage,
  label: string,
  formValue?: Record<string, unknown>,
): Promise<CardAnswer> {
  const b = card.buttons.find((x) => x.label === label);
  if (!b) throw new Error(`no button ${label} on card: ${card.buttons.map((x) => x.label).join(',')}`);
  const r = await h.click(who, { messageId: card.messageId, value: b.value });
  if (!formValue) return r.body;
  const formCard = r.body.card?.data;
  if (!formCard) return r.body;
  const submit = renderMessage('interactive', formCard).buttons.find((x) => x.formFields);
  if (!submit) throw new Error(`no form after ${label}: ${JSON.stringify(r.body)}`);
  return (await h.click(who, { messageId: card.messageId, value: submit.value, formValue })).body;
}

/** /交办 as staff, then the outbox is dispatched; a reply without a new code fails the test with the bot's answer. */
export async function assignAs(h: Harness, args: string): Promise<{ code: string; reply: ReadMessage }> {
  const reply = await ask(h, P.staff, `/交办 ${args}`);
  const code = codeIn(reply.text);
  if (!code) throw new Error(`/交办 ${args}: ${reply.text}`);
  await h.dispatch();
  return { code, reply };
}

export const codeIn = (text: string) => /DB-\d{4}-\d{3,}/.exec(text)?.[0] ?? '';

/**
 * The preamble most test files share: one world per file (the fake Lark, a fresh database and the
 * service, set up by setupCampaign), stopped after the file. Before each test, what earlier tests
 * queued is sent and the fake's inbox emptied, so a test reads only the messages it caused.
 * `first` runs before that (a clock reset), `last` after it.
 */
export function useCampaign(
  options: Parameters<typeof startHarness>[0],
  set: (h: Harness) => void,
  o: { first?: () => void; last?: (h: Harness) => void; drain?: boolean } = {},
): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(options);
    set(h);
    await setupCampaign(h);
  });
  afterAll(() => h?.stop());
  if (o.drain === false) return;
  beforeEach(async () => {
    o.first?.();
    await h!.dispatch();
    h!.drain();
    o.last?.(h!);
  });
}

let evidenceFiles = 0;

/**
 * The whole close-out as people do it: 签收 (if the card still offers it), a file sent as evidence
 * in reply to the card, 申请销号 by the lead contact, then 同意销号 by staff.
 */
export async function closeWithEvidence(h: Harness, code: string, who: string = P.lead1): Promise<void> {
  const card = () => cardOf(h, who, code);
  if (card().buttons.some((b) => b.label === '签收')) await press(h, who, card(), '签收');
  await h.dispatch();
  const messageId = `om_close_file_${++evidenceFiles}`;
  const fileKey = `file_v3_close_${evidenceFiles}`;
  h.fake.addResource(messageId, fileKey, Buffer.from(`整改报告 ${evidenceFiles}`), 'application/pdf');
  h.fake.addInboundMessage(messageId, `oc_p2p_${who}`);
  await h.sendFile(who, {
    messageId,
    kind: 'file',
    fileKey,
    fileName: '整改报告.pdf',
    parentId: card().messageId,
  });
  await h.runQueue();
  await h.dispatch();
  const req = await press(h, who, card(), '申请销号', { summary: '已完成整改' });
  if (!req.toast?.content?.includes('已提交')) throw new Error(`申请销号 refused: ${JSON.stringify(req)}`);
  await h.dispatch();
  const ok = await press(h, P.staff, cardOf(h, P.staff, code), '同意销号');
  if (ok.toast?.type !== 'success') throw new Error(`同意销号 refused: ${JSON.stringify(ok)}`);
  await h.dispatch();
}
