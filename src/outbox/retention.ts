import { and, inArray, isNotNull, lt, ne, or } from 'drizzle-orm';
import { deliveryFailures, jobs, outbox } from '../../db/schema/index.js';
import type { Db } from '../db.js';

/**
 * Deletes what the outbox and the job queue no longer need after `retentionDays`: settled
 * messages (sent, local, failed, given up), finished jobs and reported delivery failures. Pending
 * work is never purged. Sent cards older than Lark's 14-day patch window cannot be refreshed
 * anyway, so dropping their message ids after 30 days loses nothing.
 */
export async function purgeSettled(db: Db, now: Date, retentionDays: number) {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const outboxRows = await db
    .delete(outbox)
    .where(and(ne(outbox.status, 'pending'), lt(outbox.createdAt, before)))
    .returning({ id: outbox.id });
  const jobRows = await db
    .delete(jobs)
    .where(
      and(inArray(jobs.status, ['done', 'failed']), or(lt(jobs.doneAt, before), lt(jobs.createdAt, before))),
    )
    .returning({ id: jobs.id });
  await db
    .delete(deliveryFailures)
    .where(and(isNotNull(deliveryFailures.digestedAt), lt(deliveryFailures.at, before)));
  return { outbox: outboxRows.length, jobs: jobRows.length };
}
