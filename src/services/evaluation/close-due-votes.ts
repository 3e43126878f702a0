import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import { evaluations } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db.js';
import type { Logger } from '../../log.js';
import { closeVote } from './close-vote.js';

/** The job: votes past their closing time are closed, each in its own transaction. */
export async function closeDueVotes(
  deps: { db: Db; config: Config; log: Logger },
  at: Date,
): Promise<{ closed: number }> {
  const due = await deps.db
    .select({ id: evaluations.id })
    .from(evaluations)
    .where(
      and(eq(evaluations.status, 'open'), isNotNull(evaluations.closesAt), lte(evaluations.closesAt, at)),
    )
    .orderBy(asc(evaluations.id));
  let closed = 0;
  for (const d of due) {
    try {
      await deps.db.transaction((tx) =>
        closeVote(tx, {
          evaluationId: d.id,
          now: at,
          config: deps.config,
          actor: { openId: null, name: '系统（截止时间已到）' },
        }),
      );
      closed++;
    } catch (e) {
      // Closed meanwhile by staff: nothing to do.
      deps.log.info({ action: 'job:evaluation', evaluationId: d.id, err: e }, 'not closed');
    }
  }
  return { closed };
}
