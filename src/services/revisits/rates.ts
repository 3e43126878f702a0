import { sql } from 'drizzle-orm';
import { type Conn, rowsOf } from '../../db.js';
import { NO_RATINGS, type SatisfactionCounts } from '../../domain/satisfaction.js';
import { ALL_PROBLEMS, type ProblemSet } from '../documents/problem-set.js';

interface Row {
  unit_id: number;
  rated: number;
  satisfied: number;
  first_rated: number;
  first_satisfied: number;
}

/**
 * 回访 counts per lead unit and in total over a set of problems (e.g. one campaign's:
 * `p.campaign_id = …`), for 满意率 and 首次办结满意率 (src/domain/satisfaction.ts). Withdrawn
 * problems are left out. One SQL aggregation.
 */
export async function satisfactionCounts(
  conn: Conn,
  problemSet: ProblemSet = ALL_PROBLEMS,
): Promise<{ byUnit: Map<number, SatisfactionCounts>; total: SatisfactionCounts }> {
  const rows = rowsOf<Row>(
    await conn.execute(sql`
      with r as (
        select p.lead_unit_id as unit_id, v.problem_id, v.round, v.rating,
          row_number() over (partition by v.problem_id order by v.round desc) as latest
        from revisits v join problems p on p.id = v.problem_id
        where v.rating is not null and p.state <> 'withdrawn' and ${problemSet})
      select unit_id,
        count(*) filter (where latest = 1)::int as rated,
        count(*) filter (where latest = 1 and rating in ('satisfied', 'basic'))::int as satisfied,
        count(*) filter (where round = 1)::int as first_rated,
        count(*) filter (where round = 1 and rating in ('satisfied', 'basic'))::int as first_satisfied
      from r group by unit_id`),
  );
  const byUnit = new Map<number, SatisfactionCounts>();
  const total = { ...NO_RATINGS };
  for (const r of rows) {
    const c = {
      rated: Number(r.rated),
      satisfied: Number(r.satisfied),
      firstRated: Number(r.first_rated),
      firstSatisfied: Number(r.first_satisfied),
    };
    byUnit.set(Number(r.unit_id), c);
    total.rated += c.rated;
    total.satisfied += c.satisfied;
    total.firstRated += c.firstRated;
    total.firstSatisfied += c.firstSatisfied;
  }
  return { byUnit, total };
}
