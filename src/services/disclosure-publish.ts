import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { anonymousFeedback, problems } from '../../db/schema/index.js';
import { appendAudit } from '../audit/chain.js';
import { conflict, forbidden, invalid, notFound } from '../domain/errors.js';
import { parseCode, TITLE_MAX } from '../domain/problem.js';
import type { ServiceCtx } from './context.js';
import { DISCLOSURE_ACTIONS as ACTIONS, ANONYMOUS_SOURCE } from './disclosure.js';
import { isStaff } from './people/read.js';

/**
 * Staff decide what the public page lists (`/公开`): publish, change the public title, withdraw.
 * Each is audited in the command's transaction; problems are locked so two staff cannot race.
 */

function mustStaff(ctx: ServiceCtx) {
  if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以决定公开页面的内容。');
}

type Row = typeof problems.$inferSelect;

async function lockByCodes(ctx: ServiceCtx, refs: string[]): Promise<Row[]> {
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

async function anonymousIds(ctx: ServiceCtx, rows: Row[]): Promise<Set<number>> {
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

async function audit(ctx: ServiceCtx, action: string, p: Row, before: unknown, after: unknown) {
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

export interface PublishOutcome {
  published: { code: string; title: string }[];
  retitled: { code: string; title: string }[];
  unchanged: string[];
}

/**
 * Puts problems on the public page, all or none: a problem from 线上匿名 needs a public title first
 * (its own title and text are the sender's words); a withdrawn one is refused. With one code, a
 * public title may be given (or changed) at the same time.
 */
export async function publishProblems(
  ctx: ServiceCtx,
  refs: string[],
  publicTitle?: string,
): Promise<PublishOutcome> {
  mustStaff(ctx);
  const title = publicTitle?.trim();
  if (publicTitle !== undefined && !title) throw invalid('公开标题不能为空。');
  if (title && [...title].length > TITLE_MAX) throw invalid(`公开标题不能超过 ${TITLE_MAX} 个字。`);
  const rows = await lockByCodes(ctx, refs);
  if (title && rows.length > 1) throw invalid('公开标题只能逐个设置：/公开 <编号> 公开标题:<标题>');
  const anon = await anonymousIds(ctx, rows);
  const refused: string[] = [];
  for (const p of rows) {
    if (p.state === 'withdrawn') refused.push(`${p.code} 已撤销，不能公开。`);
    else if (anon.has(p.id) && !title && !p.publicTitle?.trim())
      refused.push(
        `${p.code} 来源于线上匿名反馈，须先拟定公开标题（隐去企业、个人等可识别信息）才能公开：/公开 ${p.code} 公开标题:<标题>`,
      );
  }
  if (refused.length) throw conflict(`未公开任何问题：\n${refused.join('\n')}`);
  const out: PublishOutcome = { published: [], retitled: [], unchanged: [] };
  for (const p of rows) {
    const newTitle = title ?? p.publicTitle?.trim() ?? null;
    const changedTitle = title !== undefined && title !== (p.publicTitle ?? '').trim();
    if (p.publishedAt && !changedTitle) {
      out.unchanged.push(p.code);
      continue;
    }
    await ctx.tx
      .update(problems)
      .set({ publishedAt: p.publishedAt ?? ctx.now, publicTitle: newTitle })
      .where(eq(problems.id, p.id));
    const shown = newTitle || p.title;
    await audit(
      ctx,
      ACTIONS.published,
      p,
      { publishedAt: p.publishedAt?.toISOString() ?? null, publicTitle: p.publicTitle },
      { publishedAt: (p.publishedAt ?? ctx.now).toISOString(), publicTitle: newTitle },
    );
    (p.publishedAt ? out.retitled : out.published).push({ code: p.code, title: shown });
  }
  return out;
}

/** Takes problems off the public page (their public title is kept for a later re-publication). */
export async function unpublishProblems(
  ctx: ServiceCtx,
  refs: string[],
): Promise<{ withdrawn: string[]; notPublished: string[] }> {
  mustStaff(ctx);
  const rows = await lockByCodes(ctx, refs);
  const out = { withdrawn: [] as string[], notPublished: [] as string[] };
  for (const p of rows) {
    if (!p.publishedAt) {
      out.notPublished.push(p.code);
      continue;
    }
    await ctx.tx.update(problems).set({ publishedAt: null }).where(eq(problems.id, p.id));
    await audit(
      ctx,
      ACTIONS.withdrawn,
      p,
      { publishedAt: p.publishedAt.toISOString() },
      { publishedAt: null },
    );
    out.withdrawn.push(p.code);
  }
  return out;
}

/** 全部已销号: every closed problem not yet public; anonymous ones without a public title are named, not published. */
export async function publishAllClosed(
  ctx: ServiceCtx,
): Promise<{ published: string[]; needTitle: string[] }> {
  mustStaff(ctx);
  const rows = await ctx.tx
    .select()
    .from(problems)
    .where(and(eq(problems.state, 'closed'), sql`${problems.publishedAt} is null`))
    .orderBy(asc(problems.year), asc(problems.seq))
    .for('update');
  const anon = await anonymousIds(ctx, rows);
  const needTitle = rows.filter((p) => anon.has(p.id) && !p.publicTitle?.trim()).map((p) => p.code);
  const ok = rows.filter((p) => !needTitle.includes(p.code)).map((p) => p.code);
  if (ok.length) await publishProblems(ctx, ok);
  return { published: ok, needTitle };
}
