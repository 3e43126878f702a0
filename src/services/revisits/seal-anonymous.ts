import { sql } from 'drizzle-orm';
import { ANONYMOUS_ACTOR, appendAudit } from '../../audit/chain.js';
import { type Db, rowsOf } from '../../db.js';
import { todayIn } from '../../domain/dates.js';

/**
 * The hourly housekeeping's part for anonymous 回访, as sealFeedback does for submissions
 * (docs/decisions/0004-anonymity.md): anonymous ratings of the last two days are rewritten in one
 * statement, so none keeps the transaction id (xmin) of the message that brought it; ratings of
 * days that are over get their `revisit.rated` audit rows, dated by the day, all in one batch.
 */
export async function sealAnonymousRatings(
  db: Db,
  now: Date,
  timezone: string,
): Promise<{ audited: number }> {
  const today = todayIn(now, timezone);
  const yesterday = todayIn(new Date(now.getTime() - 86_400_000), timezone);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`update revisits set rated_on = rated_on where raiser_kind = 'anonymous' and rated_on >= ${yesterday}`,
    );
    const due = rowsOf<{ id: number; round: number; rating: string; day: string; code: string }>(
      await tx.execute(sql`
        select v.id, v.round, v.rating, v.rated_on::text as day, p.code
        from revisits v join problems p on p.id = v.problem_id
        where v.raiser_kind = 'anonymous' and v.rating is not null and v.rated_on < ${today}
          and not exists (select 1 from audit_log a where a.action = 'revisit.rated'
            and a.subject_type = 'revisit' and a.subject_id = v.id::text)
        order by v.rated_on, md5(v.id::text)`),
    );
    for (const r of due)
      await appendAudit(tx, {
        at: new Date(`${r.day}T00:00:00Z`),
        actorOpenId: null,
        actorName: ANONYMOUS_ACTOR,
        action: 'revisit.rated',
        subjectType: 'revisit',
        subjectId: String(r.id),
        before: null,
        after: { problem: r.code, round: r.round, rating: r.rating, via: 'receipt' },
      });
    return { audited: due.length };
  });
}
