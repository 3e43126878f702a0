import { and, asc, eq, sql } from 'drizzle-orm';
import { problems } from '../../../db/schema/index.js';
import type { ServiceCtx } from '../context.js';
import { anonymousIds, authorizePublish } from './common.js';
import { publishProblems } from './publish.js';

/** 全部已销号: every closed problem not yet public; anonymous ones without a public title are named, not published. */
export async function publishAllClosed(
  ctx: ServiceCtx,
): Promise<{ published: string[]; needTitle: string[] }> {
  authorizePublish(ctx);
  const rows = await ctx.tx
    .select()
    .from(problems)
    .where(and(eq(problems.state, 'closed'), sql`${problems.publishedAt} is null`))
    .orderBy(asc(problems.year), asc(problems.seq))
    .for('update');
  const anon = await anonymousIds(ctx, rows);
  const needTitle = rows.filter((p) => anon.has(p.id) && !p.publicTitle?.trim()).map((p) => p.code);
  const ok = rows.filter((p) => !needTitle.includes(p.code)).map((p) => p.code);
  if (ok.length) await publishProblems(ctx, { codes: ok });
  return { published: ok, needTitle };
}
