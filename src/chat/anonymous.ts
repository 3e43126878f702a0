import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import { RATING_LABEL, type Rating } from '../domain/satisfaction.js';
import { distance } from '../domain/text.js';
import type { IncomingMessage } from '../lark/payloads.js';
import { enqueue } from '../outbox/enqueue.js';
import { toReply } from '../present/index.js';
import { lookupFeedback } from '../services/feedback/read.js';
import { sendReceipt } from '../services/feedback/send-receipt.js';
import { submitFeedback } from '../services/feedback/submit.js';
import { rateAnonymously } from '../services/revisits/rate-anonymously.js';

const FEEDBACK_NAMES = ['匿名反馈', 'anonymous'];
const LOOKUP_NAMES = ['反馈查询', 'receipt'];
export const ANONYMOUS_NAMES = new Set([...FEEDBACK_NAMES, ...LOOKUP_NAMES]);

export type AnonymousCommand =
  | { kind: 'feedback' | 'lookup'; body: string }
  /** Within edit distance 2 of an anonymous command: refused, nothing of it kept. */
  | { kind: 'near' };

/**
 * Recognises the anonymous commands by their prefix, before any tokenising: people type
 * `/匿名反馈某窗口…`, `／匿名反馈：…`, `/匿名反馈，…` as often as with a space. `isKnown` tells an
 * ordinary command's first word (those are never near misses).
 */
export function anonymousCommand(
  text: string,
  isKnown: (name: string) => boolean,
): AnonymousCommand | undefined {
  const t = text.replace(/^[\s\u3000]+/, '');
  if (!/^[/／]/.test(t)) return undefined;
  const s = t.slice(1);
  const lower = s.toLowerCase();
  for (const name of ANONYMOUS_NAMES) {
    if (!lower.startsWith(name)) continue;
    const after = s.slice(name.length);
    // `/anonymousx` is not `/anonymous x`; a Chinese name needs no separator.
    if (/^[a-z]/.test(name) && /^[a-z0-9_]/i.test(after)) continue;
    const body = after.replace(/^[\s\u3000:：,，、]+/, '').trim();
    return { kind: FEEDBACK_NAMES.includes(name) ? 'feedback' : 'lookup', body };
  }
  const first = (s.split(/[\s\u3000:：,，]/)[0] ?? '').toLowerCase();
  if (!first || isKnown(first)) return undefined;
  for (const name of ANONYMOUS_NAMES) {
    if (/^[a-z]/.test(name)) {
      if (first.length >= 5 && distance(first, name) <= 2) return { kind: 'near' };
      continue;
    }
    const chars = [...s];
    for (let k = name.length - 2; k <= name.length + 2; k++) {
      if (k < 2 || k > chars.length) continue;
      if (distance(chars.slice(0, k).join(''), name) <= 2) return { kind: 'near' };
    }
  }
  return undefined;
}

/** Longest first: 基本满意 and 不满意 both end in 满意. */
const RATING_WORDS: [string, Rating][] = [
  ['基本满意', 'basic'],
  ['不满意', 'unsatisfied'],
  ['满意', 'satisfied'],
];

/**
 * `/反馈查询 <回执码> 满意|基本满意|不满意 [意见]`: the receipt code is letters, digits, spaces and
 * dashes, so the first other character starts the answer (with or without a space before it).
 */
export function splitLookup(body: string): {
  code: string;
  answer?: string;
  rating?: Rating;
  comment: string;
} {
  const m = /^([A-Za-z0-9\s\-－]*)(.*)$/su.exec(body.trim())!;
  const code = m[1]!.trim();
  const answer = m[2]!.trim();
  if (!answer) return { code, comment: '' };
  const hit = RATING_WORDS.find(([w]) => answer.startsWith(w));
  if (!hit) return { code, answer, comment: '' };
  const comment = answer
    .slice(hit[0].length)
    .replace(/^[\s\u3000:：,，、。]+/, '')
    .trim();
  return { code, answer, rating: hit[1], comment };
}

const RATE_HINT = '请回复评价：/反馈查询 <回执码> 满意|基本满意|不满意 [意见]';

/** The lookup, or the anonymous raiser's 回访 answer in a savepoint: a refusal changes nothing. */
async function lookupOrRate(tx: Tx, body: string, now: Date, config: Config): Promise<string> {
  const s = splitLookup(body);
  if (s.answer === undefined) return lookupFeedback(tx, body, now);
  if (!s.rating) return `未能识别评价「${s.answer.slice(0, 8)}」。${RATE_HINT}`;
  const rating = s.rating;
  await tx.transaction((sp) =>
    rateAnonymously(sp, { receiptCode: s.code, rating, comment: s.comment, now, timezone: config.timezone }),
  );
  return `已收到您的评价：${RATING_LABEL[rating]}。感谢您的反馈。系统不记录评价人身份。`;
}

const NEAR_HINT =
  '未能识别该命令，本条内容未保存。匿名反馈请发送：/匿名反馈 <内容>；查询办理情况请发送：/反馈查询 <回执码>。';
const RICH_HINT =
  '匿名反馈仅接受纯文字消息，图片和富文本不予保存，本条内容未保存。请改用纯文字发送：/匿名反馈 <内容>。';
const GROUP_HINT = {
  feedback: '为保护您的身份，匿名反馈只能在与机器人的单聊中发送。本条内容未保存，请私聊机器人重新发送。',
  lookup: '为保护反馈人身份，回执码只能在与机器人的单聊中查询，也可在网页查询页面查询。本条内容未保存。',
  near: '为保护您的身份，匿名反馈和回执查询只能在与机器人的单聊中进行。本条内容未保存。',
};

/**
 * The anonymous path, taken before the sender is looked up: no name lookup, no people row, no
 * roles, and every answer goes as a new message whose outbox row is erased once settled (a reply
 * row would keep the user's message id). In a group it is refused and nothing of it is stored.
 * See docs/decisions/0004-anonymity.md.
 */
export async function handleAnonymous(
  tx: Tx,
  msg: IncomingMessage,
  cmd: AnonymousCommand,
  now: Date,
  config: Config,
): Promise<void> {
  if (msg.chatType !== 'p2p') {
    await enqueue(tx, [
      {
        msgType: 'text',
        content: { text: GROUP_HINT[cmd.kind] },
        purpose: 'reply',
        replyTo: { messageId: msg.messageId, chatId: msg.chatId },
      },
    ]);
    return;
  }
  const answer = (text: string, purpose = 'anonymous_receipt') =>
    enqueue(tx, [
      {
        msgType: 'text',
        content: { text },
        purpose,
        eraseReceiver: true,
        to: { type: 'open_id', id: msg.senderOpenId },
      },
    ]);
  if (cmd.kind === 'near') return void (await answer(NEAR_HINT));
  // A post (rich text, images) is never kept: its images would be downloaded and stored.
  if (msg.rich || msg.fileKey) return void (await answer(RICH_HINT));
  try {
    if (cmd.kind === 'lookup') return void (await answer(await lookupOrRate(tx, cmd.body, now, config)));
    const { code } = await tx.transaction((sp) =>
      submitFeedback(sp, { text: cmd.body, now, timezone: config.timezone }),
    );
    await sendReceipt(tx, msg.senderOpenId, code, config.publicBaseUrl);
  } catch (e) {
    const text = toReply(e);
    if (text === undefined) throw e;
    await answer(cmd.kind === 'lookup' ? text : `${text}格式：/匿名反馈 <内容>`);
  }
}
