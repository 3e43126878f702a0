import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { anonymousFeedback } from '../../../db/schema/index.js';
import { ANONYMOUS_ACTOR, appendAudit } from '../../audit/chain.js';
import type { Db } from '../../db.js';
import { todayIn } from '../../domain/dates.js';

/**
 * The hourly housekeeping's part. Every row of the last two days, and any not yet audited, is
 * rewritten in one statement, so no row keeps the transaction id (xmin) of the message that
 * brought it: xmin would otherwise tie it to that message's event row and date it among all others. Days that are over get their
 * `feedback.received` audit rows, in random order, dated by the day only, all in this one batch.
 */
export async function sealFeedback(db: Db, now: Date, timezone: string): Promise<{ audited: number }> {
  const today = todayIn(now, timezone);
  const yesterday = todayIn(new Date(now.getTime() - 86_400_000), timezone);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`update anonymous_feedback set received_on = received_on where received_on >= ${yesterday} or not audited`,
    );
    const due = await tx
      .select({ id: anonymousFeedback.id, day: anonymousFeedback.receivedOn })
      .from(anonymousFeedback)
      .where(and(eq(anonymousFeedback.audited, false), lt(anonymousFeedback.receivedOn, today)))
      .orderBy(asc(anonymousFeedback.receivedOn), asc(anonymousFeedback.id));
    for (const f of due)
      await appendAudit(tx, {
        at: new Date(`${f.day}T00:00:00Z`),
        actorOpenId: null,
        actorName: ANONYMOUS_ACTOR,
        action: 'feedback.received',
        subjectType: 'feedback',
        subjectId: f.id,
      });
    if (due.length)
      await tx
        .update(anonymousFeedback)
        .set({ audited: true })
        .where(and(eq(anonymousFeedback.audited, false), lt(anonymousFeedback.receivedOn, today)));
    return { audited: due.length };
  });
}
