import { asc, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { anonymousFeedback, campaigns, problems } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { parseCode } from '../../domain/problem.js';
import { mustStaff } from '../auth.js';
import { type CampaignRow, campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { ANONYMOUS_SOURCE } from '../disclosure.js';

/**
 * Staff decide what the public page lists (`/公开`): publish, change the public title, withdraw.
 * Each is audited in the command's transaction; problems are locked so two staff cannot race.
 */

export type Row = typeof problems.$inferSelect;

export const authorizePublish = (ctx: ServiceCtx) => mustStaff(ctx.actor, '决定公开页面的内容');

/** `议题:<名称>` as typed; without it, the asker's current campaign. */
export const campaignField = z
  .string()
  .optional()
  .refine((s) => s === undefined || s.trim().length > 0, '请在「议题:」后填写议题名称。');

/**
 * The campaign /公开 acts on. Publishing into an archived one is refused (it is read-only);
 * withdrawing stays possible, so a problem published by mistake can always come off the page.
 */
export async function disclosureCampaign(
  ctx: ServiceCtx,
  named: string | undefined,
  o: { publishing: boolean },
): Promise<CampaignRow> {
  const c = await campaignFor(ctx.tx, ctx.actor.openId, named);
  if (o.publishing && c.state === 'archived')
    throw conflict(
      `议题「${c.name}」已归档，不再公布新的内容。如需撤回已公开的问题：/公开 撤回 <编号> 议题:${c.name}`,
    );
  return c;
}

/** Every problem named must belong to the campaign acted on; refused, all of them, otherwise. */
export async function mustBeInCampaign(ctx: ServiceCtx, rows: Row[], c: CampaignRow): Promise<void> {
  const others = rows.filter((r) => r.campaignId !== c.id);
  if (!others.length) return;
  const names = new Map(
    (
      await allCampaignsOf(
        ctx,
        others.map((r) => r.campaignId),
      )
    ).map((x) => [x.id, x.name]),
  );
  const lines = others.map((r) => `${r.code} 属于议题「${names.get(r.campaignId) ?? '其他议题'}」`);
  throw conflict(
    `未作任何改动：${lines.join('；')}，不在当前议题「${c.name}」中。请加 议题:<名称>，或先 /议题 切换 <名称>。`,
  );
}

async function allCampaignsOf(ctx: ServiceCtx, ids: number[]) {
  return ctx.tx
    .select({ id: campaigns.id, name: campaigns.name })
    .from(campaigns)
    .where(inArray(campaigns.id, [...new Set(ids)]));
}

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
