import { and, asc, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import { deliveryFailures } from '../../db/schema/index.js';
import type { Db } from '../db.js';
import type { OutboxRow } from '../outbox/dispatcher.js';
import { enqueue } from '../outbox/enqueue.js';
import { namesOf, openIdsWithRole } from './people/read.js';

const PURPOSE = 'delivery_failure';
export const DIGEST_EVERY_MS = 3600_000;
const LISTED = 20;

/**
 * Notes that Lark refused a message for good (README.md: 未送达 … reported to staff). Staff and
 * admins get one digest per hour at most, not one message per failure: the first failure after a
 * quiet hour is told at once, later ones by the next digest (the housekeeping job flushes them).
 */
export async function reportDeliveryFailure(
  db: Db,
  adminOpenIds: readonly string[],
  row: OutboxRow,
  reason: string,
  now = new Date(),
): Promise<void> {
  if (row.purpose === PURPOSE || row.kind === 'patch' || row.kind === 'card_update') return;
  let who = '（匿名回执）';
  if (!row.eraseReceiver) {
    if (row.receiveIdType === 'open_id' && row.receiveId)
      who = (await namesOf(db, [row.receiveId])).get(row.receiveId) ?? row.receiveId;
    else if (row.receiveIdType === 'chat_id') who = `群聊 ${row.receiveId}`;
    else if (row.kind.startsWith('task_')) who = '飞书任务';
    else who = row.receiveId ?? `消息 ${row.targetMessageId ?? ''}的回复`;
  }
  // An anonymous receipt's failure keeps only the day, like the audit log (docs/decisions/0004-anonymity.md).
  const at = row.eraseReceiver
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : now;
  await db.insert(deliveryFailures).values({ at, receiver: who, purpose: row.purpose, reason });
  await flushDeliveryFailures(db, adminOpenIds, now);
}

/** Sends the digest of failures not yet told, unless one went out within the last `gapMs`. */
export async function flushDeliveryFailures(
  db: Db,
  adminOpenIds: readonly string[],
  now: Date,
  gapMs = DIGEST_EVERY_MS,
): Promise<number> {
  return db.transaction(async (tx) => {
    const recent = await tx
      .select({ id: deliveryFailures.id })
      .from(deliveryFailures)
      .where(
        and(
          isNotNull(deliveryFailures.digestedAt),
          gt(deliveryFailures.digestedAt, new Date(now.getTime() - gapMs)),
        ),
      )
      .limit(1);
    if (recent.length > 0) return 0;
    const open = await tx
      .select()
      .from(deliveryFailures)
      .where(isNull(deliveryFailures.digestedAt))
      .orderBy(asc(deliveryFailures.id))
      .for('update', { skipLocked: true });
    if (open.length === 0) return 0;
    await tx
      .update(deliveryFailures)
      .set({ digestedAt: now })
      .where(
        inArray(
          deliveryFailures.id,
          open.map((f) => f.id),
        ),
      );
    const staff = [
      ...new Set([
        ...(await openIdsWithRole(tx, 'staff', adminOpenIds)),
        ...(await openIdsWithRole(tx, 'admin', adminOpenIds)),
      ]),
    ];
    if (staff.length === 0) return open.length;
    const lines = open
      .slice(0, LISTED)
      .map((f, i) => `${i + 1}. 接收人：${f.receiver}；用途：${f.purpose}；原因：${f.reason}`);
    if (open.length > LISTED) lines.push(`……另有${open.length - LISTED}条，详见送达记录。`);
    const text =
      open.length === 1
        ? `【消息未送达】接收人：${open[0]!.receiver}；用途：${open[0]!.purpose}；原因：${open[0]!.reason}。请核实后处理。`
        : `【消息未送达汇总】共${open.length}条消息未能送达：\n${lines.join('\n')}\n请核实后处理。`;
    await enqueue(
      tx,
      staff.map((id) => ({
        msgType: 'text' as const,
        content: { text },
        purpose: PURPOSE,
        to: { type: 'open_id' as const, id },
      })),
    );
    return open.length;
  });
}
