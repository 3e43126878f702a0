import { and, eq } from 'drizzle-orm';
import { problemCoUnits, problemRequests, problems } from '../../../db/schema/index.js';
import { formatDateCn } from '../../domain/dates.js';
import type { RequestKind } from '../../domain/deciders.js';
import { conflict, forbidden, invalid } from '../../domain/errors.js';
import { allows, CATEGORIES, DESCRIPTION_MAX, STATE_LABEL, TITLE_MAX } from '../../domain/problem.js';
import type { ServiceCtx } from '../context.js';
import { isStaff } from '../people/read.js';
import { resolveUnit } from '../units/read.js';
import { resolveDeadline } from './assign.js';
import { announceToUnit, contactsOf, coUnitIds, record, refreshCopies, sendCards } from './common.js';
import { decidersOf } from './deciders.js';
import { groupOfUnit, lockProblem, type ProblemRow, relationOf } from './load.js';
import type { ChangeResult } from './unit-side.js';

function reasonOf(v: unknown, label: string): string {
  const s = typeof v === 'string' ? v.trim() : '';
  if (!s) throw invalid(`请填写${label}。`);
  if ([...s].length > 2000) throw invalid(`${label}不能超过 2000 个字。`);
  return s;
}

const KIND_LABEL: Record<RequestKind, string> = { closure: '销号', extension: '延期', dispute: '改派' };

/**
 * The operator may decide the pending request (domain/deciders.ts), judged from the database on
 * every click: never the requester, never the lead unit's contacts (docs/decisions/0009-separation-of-duties.md).
 */
async function mustDecide(ctx: ServiceCtx, p: ProblemRow, kind: RequestKind, what: string) {
  const d = (await decidersOf(ctx.tx, p, ctx.config.adminOpenIds, [kind])).get(kind);
  if (!d) throw conflict(`${p.code} 没有待处理的${KIND_LABEL[kind]}申请（可能已由他人处理）。`);
  const me = ctx.actor.openId;
  if (d.deciders.has(me)) return;
  if (d.requestedBy === me)
    throw forbidden(`${p.code} 的${KIND_LABEL[kind]}申请由您提交，须由他人审核，您不能${what}。`);
  if ((await contactsOf(ctx, [p.leadUnitId])).includes(me))
    throw forbidden(`您是 ${p.code} 牵头单位的联络员，不能${what}本单位的申请。`);
  throw forbidden(
    kind !== 'dispute' && p.groupId !== null
      ? `只有负责 ${p.code} 的督导组成员可以${what}。`
      : `只有工作人员可以${what}。`,
  );
}

function mustStaff(ctx: ServiceCtx, what: string) {
  if (!isStaff(ctx.actor.roles)) throw forbidden(`只有工作人员可以${what}。`);
}

/** Settles the pending request of a kind; a second click finds none and is refused (two clicks, one decision). */
async function settle(
  ctx: ServiceCtx,
  p: ProblemRow,
  kind: string,
  status: 'approved' | 'rejected',
  reason: string | null,
) {
  const [req] = await ctx.tx
    .update(problemRequests)
    .set({ status, decidedBy: ctx.actor.openId, decidedAt: ctx.now, decisionReason: reason })
    .where(
      and(
        eq(problemRequests.problemId, p.id),
        eq(problemRequests.kind, kind),
        eq(problemRequests.status, 'pending'),
      ),
    )
    .returning();
  if (!req)
    throw conflict(
      `${p.code} 没有待处理的${kind === 'closure' ? '销号' : kind === 'extension' ? '延期' : '改派'}申请（可能已由他人处理）。`,
    );
  return req;
}

/** 同意销号 / 退回整改 by the problem's supervisors. */
export async function decideClosure(
  ctx: ServiceCtx,
  problemId: number,
  approve: boolean,
  reason: unknown,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  if (!allows(approve ? 'approveClosure' : 'returnClosure', p.state))
    throw conflict(
      `${p.code} 当前状态为「${STATE_LABEL[p.state as keyof typeof STATE_LABEL]}」，没有待审核的销号申请（可能已由他人处理）。`,
    );
  await mustDecide(ctx, p, 'closure', approve ? '同意销号' : '退回整改');
  const why = approve
    ? typeof reason === 'string' && reason.trim()
      ? reason.trim()
      : null
    : reasonOf(reason, '退回理由');
  await settle(ctx, p, 'closure', approve ? 'approved' : 'rejected', why);
  const [updated] = await ctx.tx
    .update(problems)
    .set(
      approve
        ? { state: 'closed', closedAt: ctx.now, updatedAt: ctx.now }
        : { state: 'in_progress', updatedAt: ctx.now },
    )
    .where(and(eq(problems.id, p.id), eq(problems.state, 'closure_requested')))
    .returning();
  if (!updated) throw conflict(`${p.code} 已由他人处理。`);
  await record(ctx, updated, approve ? 'closure_approved' : 'closure_returned', {
    text: why ?? '',
    before: { state: p.state },
    after: { state: updated.state },
  });
  await announceToUnit(
    ctx,
    updated,
    approve ? `督导组已同意销号，问题「${p.title}」已办结。` : `销号申请被退回，请继续整改。退回理由：${why}`,
  );
  await refreshCopies(ctx, updated, clickedMessageId);
  return {
    problem: updated,
    message: approve ? `已同意 ${p.code} 销号。` : `已退回 ${p.code}，已通知承办单位继续整改。`,
  };
}

/** 同意延期 / 驳回延期 by the problem's supervisors. */
export async function decideExtension(
  ctx: ServiceCtx,
  problemId: number,
  approve: boolean,
  reason: unknown,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  await mustDecide(ctx, p, 'extension', approve ? '同意延期' : '驳回延期');
  const why = approve ? null : reasonOf(reason, '驳回理由');
  const req = await settle(ctx, p, 'extension', approve ? 'approved' : 'rejected', why);
  let updated = p;
  if (approve) {
    [updated] = (await ctx.tx
      .update(problems)
      .set({ deadline: req.newDeadline!, updatedAt: ctx.now })
      .where(eq(problems.id, p.id))
      .returning()) as [ProblemRow];
  }
  await record(ctx, updated, approve ? 'extension_approved' : 'extension_rejected', {
    text: approve ? `期限由${formatDateCn(p.deadline)}延至${formatDateCn(req.newDeadline!)}` : why!,
    before: { deadline: p.deadline },
    after: { deadline: updated.deadline },
  });
  await announceToUnit(
    ctx,
    updated,
    approve
      ? `延期申请已同意，整改期限延至${formatDateCn(req.newDeadline!)}。`
      : `延期申请未获同意，整改期限仍为${formatDateCn(p.deadline)}。理由：${why}`,
  );
  await refreshCopies(ctx, updated, clickedMessageId);
  return {
    problem: updated,
    message: approve
      ? `已同意 ${p.code} 延期至${formatDateCn(req.newDeadline!)}。`
      : `已驳回 ${p.code} 的延期申请。`,
  };
}

/** Staff settle a dispute: reassign to a new lead unit (→ assigned) or reject. */
export async function decideDispute(
  ctx: ServiceCtx,
  problemId: number,
  input: { accept: boolean; newLeadUnit?: unknown; reason: unknown },
  clickedMessageId?: string,
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  await mustDecide(ctx, p, 'dispute', '处理改派申请');
  const why = reasonOf(input.reason, '处理意见');
  if (!input.accept) {
    await settle(ctx, p, 'dispute', 'rejected', why);
    await record(ctx, p, 'dispute_rejected', { text: why });
    await announceToUnit(ctx, p, `改派申请未获同意，请继续办理。意见：${why}`);
    await refreshCopies(ctx, p, clickedMessageId);
    return { problem: p, message: `已驳回 ${p.code} 的改派申请。` };
  }
  const name = typeof input.newLeadUnit === 'string' ? input.newLeadUnit : '';
  if (!name.trim()) throw invalid('同意改派时请选择新的牵头单位。');
  const unit = await resolveUnit(ctx.tx, name);
  if (unit.id === p.leadUnitId) throw invalid('新的牵头单位与原牵头单位相同。');
  await settle(ctx, p, 'dispute', 'approved', why);
  const updated = await reassign(ctx, p, unit.id, why);
  return { problem: updated, message: `已将 ${p.code} 改派至${unit.name}。` };
}

/** 改派: a new lead unit, state back to assigned, the old unit told, the new one gets fresh cards. */
export async function reassign(
  ctx: ServiceCtx,
  p: ProblemRow,
  unitId: number,
  reason: string,
): Promise<ProblemRow> {
  mustStaff(ctx, '改派问题');
  if (!allows('reassign', p.state))
    throw conflict(`${p.code} 当前状态为「${STATE_LABEL[p.state as keyof typeof STATE_LABEL]}」，不能改派。`);
  await announceToUnit(ctx, p, `已改派至其他单位办理，贵单位无需继续办理。说明：${reason}`);
  const groupId = await groupOfUnit(ctx.tx, unitId);
  await ctx.tx
    .delete(problemCoUnits)
    .where(and(eq(problemCoUnits.problemId, p.id), eq(problemCoUnits.unitId, unitId)));
  const [updated] = (await ctx.tx
    .update(problems)
    .set({
      leadUnitId: unitId,
      groupId,
      state: 'assigned',
      acknowledgedAt: null,
      progressPct: null,
      updatedAt: ctx.now,
      assignedAt: ctx.now,
    })
    .where(eq(problems.id, p.id))
    .returning()) as [ProblemRow];
  await record(ctx, updated, 'dispute_accepted', {
    text: reason,
    unitId,
    before: { leadUnitId: p.leadUnitId, state: p.state },
    after: { leadUnitId: unitId, state: 'assigned' },
  });
  await refreshCopies(ctx, updated);
  await sendCards(ctx, updated, await contactsOf(ctx, [unitId]), 'assignment', {
    banner: `本问题改派由贵单位牵头办理，请及时签收，并于${formatDateCn(updated.deadline)}前反馈整改进展。`,
  });
  return updated;
}

/** 撤销 by staff, with a reason: any state but closed → withdrawn. */
export async function withdraw(
  ctx: ServiceCtx,
  problemId: number,
  reason: unknown,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  mustStaff(ctx, '撤销问题');
  const p = await lockProblem(ctx.tx, problemId);
  if (!allows('withdraw', p.state))
    throw conflict(`${p.code} 当前状态为「${STATE_LABEL[p.state as keyof typeof STATE_LABEL]}」，不能撤销。`);
  const why = reasonOf(reason, '撤销理由');
  await ctx.tx
    .update(problemRequests)
    .set({
      status: 'cancelled',
      decidedBy: ctx.actor.openId,
      decidedAt: ctx.now,
      decisionReason: '问题已撤销',
    })
    .where(and(eq(problemRequests.problemId, p.id), eq(problemRequests.status, 'pending')));
  const [updated] = (await ctx.tx
    .update(problems)
    .set({ state: 'withdrawn', updatedAt: ctx.now })
    .where(eq(problems.id, p.id))
    .returning()) as [ProblemRow];
  await record(ctx, updated, 'withdrawn', {
    text: why,
    before: { state: p.state },
    after: { state: 'withdrawn' },
  });
  await announceToUnit(ctx, updated, `问题已撤销，无需继续办理。理由：${why}`);
  await refreshCopies(ctx, updated, clickedMessageId);
  return { problem: updated, message: `已撤销 ${p.code}。` };
}

export interface EditInput {
  title?: unknown;
  description?: unknown;
  category?: unknown;
  deadline?: unknown;
}

/** Staff edit title, description, category and deadline; every field changed is audited before → after. */
export async function editProblem(
  ctx: ServiceCtx,
  problemId: number,
  input: EditInput,
  clickedMessageId?: string,
): Promise<ChangeResult> {
  mustStaff(ctx, '修改问题');
  const p = await lockProblem(ctx.tx, problemId);
  if (p.state === 'withdrawn') throw conflict(`${p.code} 已撤销，不能修改。`);
  const set: Partial<typeof problems.$inferInsert> = {};
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
  const title = str(input.title);
  if (title !== undefined && title !== '' && title !== p.title) {
    if ([...title].length > TITLE_MAX) throw invalid(`标题不能超过 ${TITLE_MAX} 个字。`);
    set.title = title;
  }
  const description = str(input.description);
  if (description !== undefined && description !== p.description) {
    if ([...description].length > DESCRIPTION_MAX) throw invalid(`描述不能超过 ${DESCRIPTION_MAX} 个字。`);
    set.description = description;
  }
  const category = str(input.category);
  if (category && category !== p.category) {
    if (!(CATEGORIES as readonly string[]).includes(category))
      throw invalid(`类别「${category}」无效，可选：${CATEGORIES.join('、')}。`);
    set.category = category;
  }
  const deadline = str(input.deadline);
  if (deadline) {
    const d = resolveDeadline(ctx, deadline);
    if (d !== p.deadline) set.deadline = d;
  }
  const keys = Object.keys(set) as (keyof typeof set)[];
  if (!keys.length) throw invalid('没有需要修改的内容。');
  const [updated] = (await ctx.tx
    .update(problems)
    .set({ ...set, updatedAt: ctx.now })
    .where(eq(problems.id, p.id))
    .returning()) as [ProblemRow];
  const before = Object.fromEntries(keys.map((k) => [k, p[k as keyof ProblemRow]]));
  const label: Record<string, string> = {
    title: '标题',
    description: '描述',
    category: '类别',
    deadline: '期限',
  };
  await record(ctx, updated, 'edited', {
    text: `修改了${keys.map((k) => label[k]).join('、')}`,
    before,
    after: set,
  });
  if (set.deadline) await announceToUnit(ctx, updated, `整改期限调整为${formatDateCn(set.deadline)}。`);
  await refreshCopies(ctx, updated, clickedMessageId);
  return { problem: updated, message: `已修改 ${p.code}：${keys.map((k) => label[k]).join('、')}。` };
}

/** 重新整改 (回头看): closed → in_progress with a new deadline; the unit is told. */
export async function reopen(
  ctx: ServiceCtx,
  problemId: number,
  input: { deadline: unknown; reason: unknown },
): Promise<ChangeResult> {
  const p = await lockProblem(ctx.tx, problemId);
  const r = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, p);
  if (!r.staff && !r.supervisor) throw forbidden('只有工作人员或该问题的督导组成员可以重新整改。');
  if (!allows('reopen', p.state)) throw conflict(`${p.code} 未销号，无需重新整改。`);
  const why = reasonOf(input.reason, '重新整改理由');
  const d = resolveDeadline(ctx, typeof input.deadline === 'string' ? input.deadline : '');
  const [updated] = (await ctx.tx
    .update(problems)
    .set({ state: 'in_progress', deadline: d, closedAt: null, updatedAt: ctx.now })
    .where(and(eq(problems.id, p.id), eq(problems.state, 'closed')))
    .returning()) as [ProblemRow];
  await record(ctx, updated, 'reopened', {
    text: why,
    before: { state: 'closed', deadline: p.deadline },
    after: { state: 'in_progress', deadline: d },
  });
  await sendCards(
    ctx,
    updated,
    await contactsOf(ctx, [updated.leadUnitId, ...(await coUnitIds(ctx, p.id))]),
    'reopened',
    { banner: `回头看：本问题需重新整改，请于${formatDateCn(d)}前反馈。理由：${why}` },
  );
  return { problem: updated, message: `已将 ${p.code} 退回重新整改，期限${formatDateCn(d)}。` };
}
