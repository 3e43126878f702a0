import type { Tx } from '../../db.js';
import { enqueue } from '../../outbox/enqueue.js';

/**
 * The receipt goes out as a new message (not a reply: a reply row would name the user's message),
 * receiver erased once settled. The web page comes first: it leaves no trace in any chat.
 */
export async function sendReceipt(
  tx: Tx,
  openId: string,
  code: string,
  publicBaseUrl?: string,
): Promise<void> {
  const page = `${publicBaseUrl ?? ''}/feedback`;
  await enqueue(tx, [
    {
      msgType: 'text',
      content: {
        text: `您的匿名反馈已收到。回执码：${code}\n请妥善保存。可在网页 ${page} 凭回执码查询办理情况（推荐），也可在与机器人的单聊中发送 /反馈查询 ${code}。本系统不记录反馈人身份。`,
      },
      purpose: 'anonymous_receipt',
      eraseReceiver: true,
      to: { type: 'open_id', id: openId },
    },
  ]);
}
