import { sql } from 'drizzle-orm';
import { type Conn, rowsOf } from '../db.js';

/** A message to Lark, as services describe it. Written in the caller's transaction. */
export type OutboxMessage = {
  /** The row id, when another row must refer to it (an urgent waits for its reminder). */
  id?: string;
  msgType: 'text' | 'interactive' | 'post' | 'file';
  /** Lark message content: an object, serialized here. */
  content: unknown;
  purpose: string;
  problemId?: number;
  /** A card about a problem: the person it was built for (patches rebuild it for them). */
  audience?: string;
  /** Erase the receiver once delivered or given up (anonymous receipts). */
  eraseReceiver?: boolean;
  /** A file to upload first (msgType 'file'). */
  file?: { name: string; bytes: Uint8Array };
} & (
  | { to: { type: 'open_id' | 'chat_id' | 'email' | 'user_id' | 'union_id'; id: string } }
  | {
      replyTo: {
        messageId: string;
        chatId?: string;
        /** In a p2p chat: the person. Lark counts a reply there as a send to them (5/s per user). */
        p2pWith?: string;
      };
    }
  | { patch: { messageId: string } }
  | { cardUpdate: { token: string } }
);

export async function enqueue(conn: Conn, messages: OutboxMessage[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => {
    const base = {
      id: m.id ?? null,
      msgType: m.msgType,
      content: JSON.stringify(m.content),
      purpose: m.purpose,
      problemId: m.problemId ?? null,
      audience: m.audience ?? null,
      eraseReceiver: m.eraseReceiver ?? false,
      attachment: m.file ? Buffer.from(m.file.bytes).toString('base64') : null,
      attachmentName: m.file?.name ?? null,
    };
    if ('to' in m) {
      return {
        ...base,
        kind: m.file ? 'upload_file' : 'send',
        receiveIdType: m.to.type,
        receiveId: m.to.id,
        rateKey: m.to.id,
      };
    }
    if ('replyTo' in m) {
      return {
        ...base,
        kind: m.file ? 'upload_file' : 'reply',
        targetMessageId: m.replyTo.messageId,
        // A reply counts against its chat, and a p2p chat is the person sends address by open_id:
        // both must share one key, or replies and sends together exceed 5/s (docs/decisions/0007-outbox-recovery.md).
        rateKey: m.replyTo.p2pWith ?? m.replyTo.chatId ?? m.replyTo.messageId,
      };
    }
    if ('patch' in m)
      return { ...base, kind: 'patch', targetMessageId: m.patch.messageId, rateKey: m.patch.messageId };
    return { ...base, kind: 'card_update', receiveId: m.cardUpdate.token, rateKey: 'card_update' };
  });
  // One statement of fixed text whatever the number of rows (all rows are one JSON parameter): one
  // round trip, prepared once per connection, and no query building on the webhook's path.
  const json = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    receive_id_type: 'receiveIdType' in r ? r.receiveIdType : null,
    receive_id: 'receiveId' in r ? r.receiveId : null,
    target_message_id: 'targetMessageId' in r ? r.targetMessageId : null,
    rate_key: r.rateKey,
    msg_type: r.msgType,
    content: r.content,
    attachment: r.attachment,
    attachment_name: r.attachmentName,
    purpose: r.purpose,
    problem_id: r.problemId,
    audience: r.audience,
    erase_receiver: r.eraseReceiver,
  }));
  const inserted = rowsOf<{ id: string }>(
    await conn.execute(sql`insert into outbox (id, kind, receive_id_type, receive_id, target_message_id, rate_key, msg_type, content,
        attachment, attachment_name, purpose, problem_id, audience, erase_receiver)
      select coalesce(id, gen_random_uuid()), kind, receive_id_type, receive_id, target_message_id, rate_key, msg_type, content,
        attachment, attachment_name, purpose, problem_id, audience, erase_receiver
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id uuid, kind text, receive_id_type text, receive_id text,
        target_message_id text, rate_key text, msg_type text, content text, attachment text, attachment_name text,
        purpose text, problem_id integer, audience text, erase_receiver boolean)
      returning id`),
  );
  return inserted.map((r) => r.id);
}

/** An urgent (加急) on a bot message not yet sent: the row waits for `after` (an outbox row id) to be sent. */
export interface UrgentRequest {
  after: string;
  mode: 'app' | 'sms';
  openId: string;
  purpose: string;
}

/**
 * Queues urgents. The row's content names the message row it waits for; its send slot follows that
 * row's (same lane, due just after), and the dispatcher resolves the message id once it is sent.
 */
export async function enqueueUrgent(conn: Conn, urgents: UrgentRequest[]): Promise<void> {
  if (urgents.length === 0) return;
  const json = urgents.map((u) => ({
    kind: `urgent_${u.mode}`,
    receive_id: u.openId,
    content: JSON.stringify({ after: u.after }),
    purpose: u.purpose,
  }));
  await conn.execute(sql`insert into outbox (kind, receive_id_type, receive_id, rate_key, msg_type, content, purpose,
        next_attempt_at)
      select kind, 'open_id', receive_id, receive_id, 'urgent', content, purpose, now() + interval '1 millisecond'
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(kind text, receive_id text, content text, purpose text)`);
}
