import { and, desc, eq, gte, inArray, isNotNull, or, type SQL } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.js';
import type { Tx } from '../db.js';
import { cardWindowStart } from '../domain/card-window.js';
import { enqueue, type OutboxMessage } from './enqueue.js';

/**
 * The one place copies of sent cards are kept true (docs/decisions/0009-separation-of-duties.md):
 * a copy still waiting in the outbox is rewritten in place, a sent one is patched while Lark
 * allows (domain/card-window.ts). Which content each copy gets is the caller's: a purpose-wide
 * card here, a problem card per holder in services/card-refresh.ts.
 */

const COPY = {
  id: outbox.id,
  status: outbox.status,
  attempts: outbox.attempts,
  sentMessageId: outbox.sentMessageId,
  audience: outbox.audience,
  purpose: outbox.purpose,
  problemId: outbox.problemId,
};
export interface Copy {
  id: string;
  status: string;
  attempts: number;
  sentMessageId: string | null;
  audience: string | null;
  purpose: string | null;
  problemId: number | null;
}

/** Interactive copies that can still change, newest first. */
export async function liveCopies(tx: Tx, where: SQL | undefined, now: Date): Promise<Copy[]> {
  return tx
    .select(COPY)
    .from(outbox)
    .where(
      and(
        where,
        eq(outbox.msgType, 'interactive'),
        or(
          eq(outbox.status, 'pending'),
          and(
            inArray(outbox.status, ['sent', 'local']),
            isNotNull(outbox.sentMessageId),
            gte(outbox.sentAt, cardWindowStart(now)),
          ),
        ),
      ),
    )
    .orderBy(desc(outbox.createdAt));
}

/** New content for each copy: in place while never tried, one patch once sent. Returns the ids written. */
export async function rewriteCopies(
  tx: Tx,
  items: { copy: Copy; content: unknown }[],
  problemId?: number,
): Promise<string[]> {
  const patches: OutboxMessage[] = [];
  const written: string[] = [];
  for (const { copy: c, content } of items) {
    if (c.status === 'pending' && c.attempts === 0) {
      await tx
        .update(outbox)
        .set({ content: JSON.stringify(content) })
        .where(eq(outbox.id, c.id));
      written.push(c.id);
    } else if (c.sentMessageId) {
      patches.push({
        msgType: 'interactive',
        content,
        purpose: 'card_patch',
        problemId,
        patch: { messageId: c.sentMessageId },
      });
      written.push(c.id);
    }
  }
  await enqueue(tx, patches);
  return written;
}

/** Every copy of a card sent under `purpose` (ballots of a vote, a unit's 回头看 card) gets `content`. */
export async function refreshCards(
  tx: Tx,
  purpose: string,
  content: unknown,
  now: Date,
  exceptMessageId?: string,
): Promise<void> {
  const copies = await liveCopies(tx, eq(outbox.purpose, purpose), now);
  const items = copies.filter((c) => !exceptMessageId || c.sentMessageId !== exceptMessageId);
  await rewriteCopies(
    tx,
    items.map((copy) => ({ copy, content })),
  );
}
