import type { Tx } from '../db.js';
import { DomainError } from '../domain/errors.js';
import type { IncomingMessage } from '../lark/payloads.js';
import { enqueue } from '../outbox/enqueue.js';
import { sendReceipt, submitFeedback } from '../services/feedback.js';

export const ANONYMOUS_NAMES = new Set(['匿名反馈', 'anonymous']);

/**
 * /匿名反馈, handled before the sender is looked up: no name lookup, no people row, no roles, no
 * reply to the user's message (a reply row would keep their message id). In a group it is refused
 * and nothing of it is stored. Returns the log action (never the sender or the text).
 */
export async function handleAnonymous(
  tx: Tx,
  msg: IncomingMessage,
  text: string,
  now: Date,
  timezone: string,
): Promise<string> {
  if (msg.chatType !== 'p2p') {
    await enqueue(tx, [
      {
        msgType: 'text',
        content: {
          text: '为保护您的身份，匿名反馈只能在与机器人的单聊中发送。本条内容未保存，请私聊机器人重新发送。',
        },
        purpose: 'reply',
        replyTo: { messageId: msg.messageId, chatId: msg.chatId },
      },
    ]);
    return 'anonymous:refused_in_group';
  }
  try {
    const { code } = await tx.transaction((sp) => submitFeedback(sp, { text, now, timezone }));
    await sendReceipt(tx, msg.senderOpenId, code);
    return 'anonymous:received';
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await enqueue(tx, [
      {
        msgType: 'text',
        content: { text: `${e.message}格式：/匿名反馈 <内容>` },
        purpose: 'anonymous_error',
        eraseReceiver: true,
        to: { type: 'open_id', id: msg.senderOpenId },
      },
    ]);
    return 'anonymous:invalid';
  }
}
