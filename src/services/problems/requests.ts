import { and, eq } from 'drizzle-orm';
import { problemRequests } from '../../../db/schema/index.js';
import type { RequestKind } from '../../domain/deciders.js';
import { conflict, forbidden } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { contactsOf, coUnitIds, decidersFor, refreshCopies, sendCards } from './common.js';
import { decidersOf } from './deciders.js';
import { contactUnitIds, lockProblem, type ProblemRow, relationOf } from './load.js';

/** A request's kind as the user reads it. */
export const KIND_LABEL: Record<RequestKind, string> = {
  closure: '销号',
  extension: '延期',
  dispute: '改派',
};

/** The unit a contact acts for on this problem: the lead unit if theirs, else a cooperating one. */
export async function actingUnit(
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

/** Loads and locks the problem, and the unit its contact acts for (a unit-side verb's first step). */
export async function lockForUnit(ctx: ServiceCtx, problemId: number, leadOnly: boolean, what: string) {
  const p = await lockProblem(ctx.tx, problemId);
  return { p, ...(await actingUnit(ctx, p, leadOnly, what)) };
}

/**
 * The operator may decide the pending request (domain/deciders.ts), judged from the database on
 * every click: never the requester, never the lead unit's contacts (docs/decisions/0009-separation-of-duties.md).
 */
export async function mustDecide(ctx: ServiceCtx, p: ProblemRow, kind: RequestKind, what: string) {
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

/** Opens a pending request of a kind; refused while one of that kind is still pending. */
export async function openRequest(
  ctx: ServiceCtx,
  p: ProblemRow,
  kind: RequestKind,
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
  if (existing) throw conflict(`${p.code} 已有待处理的${KIND_LABEL[kind]}申请，请等待处理结果。`);
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

/** Settles the pending request of a kind; a second click finds none and is refused (two clicks, one decision). */
export async function settle(
  ctx: ServiceCtx,
  p: ProblemRow,
  kind: RequestKind,
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
  if (!req) throw conflict(`${p.code} 没有待处理的${KIND_LABEL[kind]}申请（可能已由他人处理）。`);
  return req;
}

/**
 * After a request opens: review cards to its eligible deciders only (never the requester or their
 * unit), and the problem's card copies refreshed.
 */
export async function sendForReview(
  ctx: ServiceCtx,
  p: ProblemRow,
  kind: RequestKind,
  banner: string,
  clickedMessageId?: string,
): Promise<void> {
  await sendCards(ctx, p, await decidersFor(ctx, p, kind), `${kind}_review`, { banner });
  await refreshCopies(ctx, p, clickedMessageId);
}
