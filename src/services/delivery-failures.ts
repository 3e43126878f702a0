import type { Db } from '../db.js';
import type { OutboxRow } from '../outbox/dispatcher.js';
import { enqueue } from '../outbox/enqueue.js';
import { namesOf, openIdsWithRole } from './people.js';

const PURPOSE = 'delivery_failure';

/** Tells staff and admins that Lark refused a message for good (CONTRACT.md: 未送达 … reported to staff). */
export async function reportDeliveryFailure(
  db: Db,
  adminOpenIds: readonly string[],
  row: OutboxRow,
  reason: string,
): Promise<void> {
  if (row.purpose === PURPOSE || row.kind === 'patch' || row.kind === 'card_update') return;
  const staff = [
    ...new Set([
      ...(await openIdsWithRole(db, 'staff', adminOpenIds)),
      ...(await openIdsWithRole(db, 'admin', adminOpenIds)),
    ]),
  ];
  if (staff.length === 0) return;
  let who = '（匿名回执）';
  if (!row.eraseReceiver) {
    if (row.receiveIdType === 'open_id' && row.receiveId)
      who = (await namesOf(db, [row.receiveId])).get(row.receiveId)!;
    else if (row.receiveIdType === 'chat_id') who = `群聊 ${row.receiveId}`;
    else who = row.receiveId ?? `消息 ${row.targetMessageId ?? ''}的回复`;
  }
  const text = `【消息未送达】接收人：${who}；用途：${row.purpose}；原因：${reason}。请核实后处理。`;
  await enqueue(
    db,
    staff.map((id) => ({
      msgType: 'text' as const,
      content: { text },
      purpose: PURPOSE,
      to: { type: 'open_id' as const, id },
    })),
  );
}
