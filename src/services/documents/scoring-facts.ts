import { sql } from 'drizzle-orm';
import { type Conn, rowsOf } from '../../db.js';
import type { ScoredProblem, UnitFacts } from '../../domain/scoring.js';
import { ALL_PROBLEMS, type ProblemSet } from './problem-set.js';

interface Row {
  unit_id: number;
  pid: number | null;
  unit: string;
  code: string | null;
  state: string | null;
  assigned_on: string;
  acknowledged_on: string | null;
  deadline: string;
  closed_on: string | null;
  decided: number;
  returned: number;
  overdue_earlier: boolean;
}

/**
 * The facts behind 考核 scores, one row per problem (units without problems as one empty row),
 * dates in the office's timezone. "Overdue under an earlier deadline": a deadline changed
 * (extension, edit, reopen) on a day after the old deadline had passed.
 */
export async function loadScoringFacts(
  conn: Conn,
  o: {
    timezone: string;
    problemSet?: ProblemSet;
    /** 回访 per unit, when it exists; the vote result per unit as its fallback. */
    satisfaction?: Map<number, { satisfied: number; rated: number }>;
    voteRate?: Map<number, number>;
  },
): Promise<UnitFacts[]> {
  const tz = o.timezone;
  const day = (col: string) => sql`to_char(${sql.raw(col)} at time zone ${tz}::text, 'YYYY-MM-DD')`;
  const rows = rowsOf<Row>(
    await conn.execute(sql`
      with req as (
        select problem_id, count(*) filter (where status in ('approved', 'rejected'))::int as decided,
          count(*) filter (where status = 'rejected')::int as returned
        from problem_requests where kind = 'closure' group by problem_id),
      late as (
        select subject_id as code, true as overdue_earlier from audit_log a
        where a.subject_type = 'problem'
          and a.action in ('problem.extension_approved', 'problem.edited', 'problem.reopened')
          and a.before->>'deadline' is not null and ${day('a.at')} > a.before->>'deadline'
        group by subject_id)
      select u.id as unit_id, p.id as pid, u.name as unit, p.code, p.state, ${day('p.assigned_at')} as assigned_on,
        ${day('p.acknowledged_at')} as acknowledged_on, to_char(p.deadline, 'YYYY-MM-DD') as deadline,
        case when p.state = 'closed' then ${day('p.closed_at')} end as closed_on,
        coalesce(req.decided, 0) as decided, coalesce(req.returned, 0) as returned,
        coalesce(late.overdue_earlier, false) as overdue_earlier
      from units u
      left join problems p on p.lead_unit_id = u.id and ${o.problemSet ?? ALL_PROBLEMS}
      left join req on req.problem_id = p.id
      left join late on late.code = p.code`),
  );
  // No ORDER BY (sorting every row in SQL cost more than the query): units and problems in id order here.
  rows.sort((a, b) => a.unit_id - b.unit_id || (a.pid ?? 0) - (b.pid ?? 0));
  const byUnit = new Map<number, UnitFacts>();
  for (const r of rows) {
    let f = byUnit.get(r.unit_id);
    if (!f) {
      f = {
        unitId: r.unit_id,
        unit: r.unit,
        problems: [],
        satisfaction: o.satisfaction?.get(r.unit_id) ?? null,
        voteRate: o.voteRate?.get(r.unit_id) ?? null,
      };
      byUnit.set(r.unit_id, f);
    }
    if (r.code === null) continue;
    const p: ScoredProblem = {
      code: r.code,
      withdrawn: r.state === 'withdrawn',
      assignedOn: r.assigned_on,
      acknowledgedOn: r.acknowledged_on,
      deadline: r.deadline,
      closedOn: r.closed_on,
      overdueEarlier: r.overdue_earlier,
      closeoutDecided: Number(r.decided),
      closeoutReturned: Number(r.returned),
    };
    f.problems.push(p);
  }
  return [...byUnit.values()];
}
