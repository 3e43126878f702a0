import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { problems, units } from '../../../db/schema/index.js';
import { urgeDocument } from '../../documents/urge.js';
import type { OverdueItem } from '../../documents/views.js';
import { todayIn } from '../../domain/dates.js';
import { conflict } from '../../domain/errors.js';
import { OPEN_STATES } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { type Issued, type IssueRequest, issueDocument } from './issue.js';
import { contactOf } from './notice.js';
import { ALL_PROBLEMS, type ProblemSet } from './problem-set.js';

/** A unit's (or, with null, every unit's) open problems past their deadline, as lead unit, most overdue first. */
export async function overdueOf(
  ctx: ServiceCtx,
  unitId: number | null,
  problemSet: ProblemSet = ALL_PROBLEMS,
): Promise<OverdueItem[]> {
  const today = todayIn(ctx.now, ctx.config.timezone);
  const rows = await ctx.tx
    .select({ code: problems.code, title: problems.title, deadline: problems.deadline, unit: units.name })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(
      and(
        unitId === null ? undefined : eq(problems.leadUnitId, unitId),
        inArray(problems.state, OPEN_STATES),
        lt(problems.deadline, today),
        sql`${problems.id} in (select p.id from problems p where ${problemSet})`,
      ),
    )
    .orderBy(asc(problems.deadline), asc(problems.code));
  return rows.map((r) => ({ ...r, overdueWorkdays: ctx.calendar.workdaysAfter(r.deadline, today) }));
}

/**
 * 催办通知书 for one unit: every overdue problem it leads in the set, with workdays overdue.
 * Used on demand (/催办) and by the reminder ladder's supervisor step.
 */
export async function issueUrge(
  ctx: ServiceCtx,
  unit: { id: number; name: string },
  to: IssueRequest['to'],
  problemSet: ProblemSet = ALL_PROBLEMS,
): Promise<Issued> {
  const items = await overdueOf(ctx, unit.id, problemSet);
  if (!items.length) throw conflict(`${unit.name}目前没有逾期未办结的问题，无需催办。`);
  const contact = await contactOf(ctx);
  const issued = await issueDocument(ctx, {
    kind: 'urge',
    baseName: `催办通知书-${unit.name}`,
    unitId: unit.id,
    to,
    build: (docNumber, date) =>
      urgeDocument({
        orgName: ctx.config.org.name,
        docNumber,
        date,
        unit: unit.name,
        problems: items,
        contact,
      }),
  });
  // Each listed problem's history (/查看) names the document.
  await ctx.tx.execute(sql`insert into problem_events (problem_id, at, actor_open_id, actor_name, kind, text, data)
    select id, ${ctx.now.toISOString()}::timestamptz, ${ctx.actor.openId}, ${ctx.actor.name}, 'document',
      ${`催办通知书 ${issued.docNumber}`}, ${JSON.stringify({ docNumber: issued.docNumber, sha256: issued.sha256 })}::jsonb
    from problems where code in (select jsonb_array_elements_text(${JSON.stringify(items.map((i) => i.code))}::jsonb))`);
  return issued;
}
