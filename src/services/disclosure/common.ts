import { asc, inArray } from 'drizzle-orm';
import { anonymousFeedback, problems } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { invalid, notFound } from '../../domain/errors.js';
import { parseCode } from '../../domain/problem.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { ANONYMOUS_SOURCE } from '../disclosure.js';

/**
 * Staff decide what the public page lists (`/公开`): publish, change the public title, withdraw.
 * Each is audited in the command's transaction; problems are locked so two staff cannot race.
 */

export type Row = typeof problems.$inferSelect;

export const authorizePublish = (ctx: ServiceCtx) => mustStaff(ctx.actor, '决定公开页面的内容');

export async function lockByCodes(ctx: ServiceCtx, refs: string[]): Promise<Row[]> {
  if (!refs.length) throw invalid('请填写问题编号，如 DB-2026-007；多个编号用逗号分隔。');
  const codes = refs.map((r) => {
    const c = parseCode(r);
    if (!c) throw invalid(`「${r}」不是有效的问题编号，编号形如 DB-2026-007。`);
    return c;
  });
  const unique = [...new Set(codes)];
  const rows = await ctx.tx
    .select()
    .from(problems)
    .where(inArray(problems.code, unique))
    .orderBy(asc(problems.year), asc(problems.seq))
    .for('update');
  const missing = unique.filter((c) => !rows.some((r) => r.code === c));
  if (missing.length) throw notFound(`未找到问题 ${missing.join('、')}。`);
  return rows;
}

/** Problems that came from an anonymous submission: by their source, or linked from one. */
export async function anonymousIds(ctx: ServiceCtx, rows: Row[]): Promise<Set<number>> {
  const linked = rows.length
    ? await ctx.tx
        .select({ id: anonymousFeedback.problemId })
        .from(anonymousFeedback)
        .where(
          inArray(
            anonymousFeedback.problemId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return new Set([
    ...rows.filter((r) => r.source === ANONYMOUS_SOURCE).map((r) => r.id),
    ...linked.map((l) => l.id!),
  ]);
}

export async function auditDisclosure(
  ctx: ServiceCtx,
  action: string,
  p: Row,
  before: unknown,
  after: unknown,
) {
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action,
    subjectType: 'problem',
    subjectId: p.code,
    before,
    after,
  });
}

/** The locked row's update must land: a missing row here is a bug, not a user's mistake. */
export function mustHaveUpdated(rows: unknown[], code: string): void {
  if (!rows.length) throw new Error(`disclosure: update of ${code} returned no row`);
}
