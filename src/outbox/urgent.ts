import { eq } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.js';
import type { Db } from '../db.js';

/** Outbox kinds that urge a message already sent (加急); they carry no content of their own. */
export const URGENT_KINDS = new Set(['urgent_app', 'urgent_sms']);

/**
 * What an urgent row's message row has become: its Lark message id once sent; `wait` while it is
 * still pending (until its next attempt); `local` or `gone` when it will never be sent to Lark.
 */
export type UrgentTarget =
  | { state: 'sent'; messageId: string }
  | { state: 'wait'; until: Date }
  | { state: 'local' }
  | { state: 'gone'; reason: string };

export async function urgentTarget(db: Db, content: string): Promise<UrgentTarget> {
  let after: unknown;
  try {
    after = (JSON.parse(content) as { after?: unknown }).after;
  } catch {
    after = undefined;
  }
  if (typeof after !== 'string') return { state: 'gone', reason: '加急未指明消息' };
  const [m] = await db
    .select({ status: outbox.status, sentMessageId: outbox.sentMessageId, next: outbox.nextAttemptAt })
    .from(outbox)
    .where(eq(outbox.id, after));
  if (!m) return { state: 'gone', reason: '加急的消息已不存在' };
  if (m.status === 'sent' && m.sentMessageId) return { state: 'sent', messageId: m.sentMessageId };
  if (m.status === 'pending') return { state: 'wait', until: m.next };
  if (m.status === 'local') return { state: 'local' };
  return { state: 'gone', reason: '加急的消息未能送达' };
}
