import { and, eq, sql } from 'drizzle-orm';
import { evidence, problemRequests, problems } from '../../../db/schema/index.js';
import { formatDateCn } from '../../domain/dates.js';
import { conflict, forbidden, invalid } from '../../domain/errors.js';
import { allows, STATE_LABEL, TEXT_MAX } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { resolveDeadline } from './assign.js';
import { coUnitIds, decidersFor, record, refreshCopies, sendCards } from './common.js';
import { contactUnitIds, lockProblem, type ProblemRow, relationOf } from './load.js';

export interface ChangeResult {
  problem: ProblemRow;
  message: string;
}

function needText(v: unknown, label: string, max = TEXT_MAX): string {
  const s = typeof v === 'string' ? v.trim() : '';
  if (!s) throw invalid(`请填写${label}。`);
  if ([...s].length > max) throw invalid(`${label}不能超过 ${max} 个字。`);
  return s;
}

function refuseState(p: ProblemRow, what: string): never {
  throw conflict(
    `${p.code} 当前状态为「${STATE_LABEL[p.state as keyof typeof STATE_LABEL] ?? p.state}」，不能${what}。`,
  );
}

/** The unit a contact acts for on this problem: the lead unit if theirs, else a cooperating one. */
async function actingUnit(
  ctx: ServiceCtx,
  p: ProblemRow,
  leadOnly: boolean,
  what: string,
): Promise<{ unitId: number; lead: boolean }> {
  const r = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, p);
  if (r.lead) return { unitId: p.leadUnitId, lead: true };
  if (!leadOnly && r.co) {
    const mine = await contactUnitIds(ctx.tx, ctx.actor.openId);
    const co = (await coUnitIds(ctx, p.id)).find((u) => mine.includes(u))!;
    return { unitId: co, lead: false };
  }
  throw forbidden(leadOnly ? `只有牵头单位的联络员可以${what}。` : `只有承办单位的联络员可以${what}。`);
}

/** 签收 by a lead-unit contact: assigned → acknowledged. */
export async function acknowledge(
  ctx: ServiceCtx,
  problemId: number,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const { unitId } = await actingUnit(ctx, p, true, '签收');
  if (!allows('acknowledge', p.state)) {
    if (p.state !== 'withdrawn' && p.acknowledgedAt) throw conflict(`${p.code} 已签收，无需重复签收。`);
    refuseState(p, '签收');
  }
  const [updated] = await ctx.tx
    .update(problems)
    .set({ state: 'acknowledged', acknowledgedAt: ctx.now, updatedAt: ctx.now })
    .where(and(eq(problems.id, p.id), eq(problems.state, 'assigned')))
    .returning();
  if (!updated) throw conflict(`${p.code} 已被他人签收。`);
  await record(ctx, updated, 'acknowledged', {
    unitId,
    before: { state: p.state },
    after: { state: 'acknowledged' },
  });
  await refreshCopies(ctx, updated, clickedMessageId);
  return { problem: updated, message: `已签收 ${p.code}，请于${formatDateCn(p.deadline)}前反馈整改进展。` };
}

export interface ProgressInput {
  content: unknown;
  percent?: unknown;
  outcome?: unknown;
}

/** 反馈进展: by the lead unit (acknowledged/in_progress → in_progress) or a cooperating unit (its part, no state change). */
export async function reportProgress(
  ctx: ServiceCtx,
  problemId: number,
  input: ProgressInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const { unitId, lead } = await actingUnit(ctx, p, false, '反馈进展');
  if (p.state === 'assigned' && lead) throw conflict(`请先签收 ${p.code}，再反馈进展。`);
  if (!allows('progress', p.state) && !(p.state === 'assigned' && !lead)) refuseState(p, '反馈进展');
  const content = needText(input.content, '整改进展');
  let percent: number | null = null;
  if (input.percent !== undefined && input.percent !== null && String(input.percent).trim() !== '') {
    const n = Number(String(input.percent).replace(/[%％\s]/g, ''));
    if (!Number.isInteger(n) || n < 0 || n > 100) throw invalid('完成比例须为 0 到 100 之间的整数。');
    percent = n;
  }
  const outcome =
    typeof input.outcome === 'string' && input.outcome.trim() ? input.outcome.trim().slice(0, 500) : null;
  const set: Partial<typeof problems.$inferInsert> = { lastProgressAt: ctx.now, updatedAt: ctx.now };
  if (lead) {
    set.state = 'in_progress';
    if (percent !== null) set.progressPct = percent;
  }
  const [updated] = await ctx.tx.update(problems).set(set).where(eq(problems.id, p.id)).returning();
  await record(ctx, updated!, 'progress', {
    text: content,
    unitId,
    data: { percent, outcome, part: lead ? 'lead' : 'co' },
    before: { state: p.state },
    after: { state: updated!.state, percent },
  });
  await refreshCopies(ctx, updated!, clickedMessageId);
  return { problem: updated!, message: `已记录 ${p.code} 的整改进展。` };
}

async function openRequest(
  ctx: ServiceCtx,
  p: ProblemRow,
  kind: 'closure' | 'extension' | 'dispute',
  text: string,
  unitId: number,
  newDeadline?: string,
) {
  const [existing] = await ctx.tx
    .select({ id: problemRequests.id })
    .from(problemRequests)
    .where(
      and(
        eq(problemRequests.problemId, p.id),
        eq(problemRequests.kind, kind),
        eq(problemRequests.status, 'pending'),
      ),
    );
  if (existing)
    throw conflict(
      `${p.code} 已有待处理的${kind === 'closure' ? '销号' : kind === 'extension' ? '延期' : '改派'}申请，请等待处理结果。`,
    );
  const [req] = await ctx.tx
    .insert(problemRequests)
    .values({
      problemId: p.id,
      kind,
      requestedBy: ctx.actor.openId,
      unitId,
      text,
      newDeadline: newDeadline ?? null,
      requestedAt: ctx.now,
    })
    .returning();
  return req!;
}

/** 申请销号 (lead unit only, at least one piece of evidence): → closure_requested; supervisors get the review card. */
export async function requestClosure(
  ctx: ServiceCtx,
  problemId: number,
  summary: unknown,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const { unitId } = await actingUnit(ctx, p, true, '申请销号');
  if (p.state === 'assigned') throw conflict(`请先签收 ${p.code}，再申请销号。`);
  if (!allows('requestClosure', p.state)) refuseState(p, '申请销号');
  const text = needText(summary, '整改情况小结');
  const [{ n }] = (await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(evidence)
    .where(eq(evidence.problemId, p.id))) as [{ n: number }];
  if (n === 0) throw invalid(`${p.code} 尚无佐证材料，不能申请销号。请先回复问题卡片发送整改照片或文件。`);
  await openRequest(ctx, p, 'closure', text, unitId);
  const [updated] = await ctx.tx
    .update(problems)
    .set({ state: 'closure_requested', updatedAt: ctx.now })
    .where(and(eq(problems.id, p.id), eq(problems.state, p.state)))
    .returning();
  await record(ctx, updated!, 'closure_requested', {
    text,
    unitId,
    before: { state: p.state },
    after: { state: 'closure_requested' },
  });
  // Review cards go to the eligible deciders only (never the requester or their unit).
  await sendCards(ctx, updated!, await decidersFor(ctx, updated!, 'closure'), 'closure_review', {
    banner: `${updated!.code} 申请销号，请审核整改情况和佐证材料。`,
  });
  await refreshCopies(ctx, updated!, clickedMessageId);
  return { problem: updated!, message: `已提交 ${p.code} 的销号申请，等待督导组审核。` };
}

/** 申请延期: a pending request with a new date and a reason; supervisors decide. */
export async function requestExtension(
  ctx: ServiceCtx,
  problemId: number,
  input: { newDeadline: unknown; reason: unknown },
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const { unitId } = await actingUnit(ctx, p, true, '申请延期');
  if (!allows('requestExtension', p.state)) refuseState(p, '申请延期');
  const reason = needText(input.reason, '延期理由', 2000);
  const date = resolveDeadline(ctx, typeof input.newDeadline === 'string' ? input.newDeadline : '');
  if (date <= p.deadline) throw invalid(`新的期限须晚于现有期限 ${formatDateCn(p.deadline)}。`);
  await openRequest(ctx, p, 'extension', reason, unitId, date);
  await record(ctx, p, 'extension_requested', { text: reason, unitId, data: { newDeadline: date } });
  await sendCards(ctx, p, await decidersFor(ctx, p, 'extension'), 'extension_review', {
    banner: `${p.code} 申请延期至${formatDateCn(date)}，请审核。`,
  });
  await refreshCopies(ctx, p, clickedMessageId);
  return {
    problem: p,
    message: `已提交 ${p.code} 的延期申请（延至${formatDateCn(date)}），等待督导组审核。`,
  };
}

/** 申请改派: "not ours", with a reason; staff reassign or reject. */
export async function requestDispute(
  ctx: ServiceCtx,
  problemId: number,
  reason: unknown,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const { unitId } = await actingUnit(ctx, p, true, '申请改派');
  if (!allows('requestDispute', p.state)) refuseState(p, '申请改派');
  const text = needText(reason, '申请改派理由', 2000);
  await openRequest(ctx, p, 'dispute', text, unitId);
  await record(ctx, p, 'dispute_requested', { text, unitId });
  await sendCards(ctx, p, await decidersFor(ctx, p, 'dispute'), 'dispute_review', {
    banner: `${p.code} 的牵头单位申请改派，请处理。`,
  });
  await refreshCopies(ctx, p, clickedMessageId);
  return { problem: p, message: `已提交 ${p.code} 的改派申请，等待工作人员处理。` };
}
