import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import {
  problemCoUnits,
  problemEvents,
  roles,
  supervisionGroups,
  unitContacts,
} from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import type { RequestKind } from '../../domain/deciders.js';
import { conflict } from '../../domain/errors.js';
import { type ProblemState, STATE_LABEL, TEXT_MAX } from '../../domain/problem.js';
import { enqueue, type OutboxMessage } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { decidersOf } from './deciders.js';
import { loadView, type ProblemRow } from './load.js';
import { cardForPerson, clockOf } from './view.js';

/** What a problem verb returns: the problem as it is now and the line the transport shows. */
export interface ChangeResult {
  problem: ProblemRow;
  message: string;
}

/**
 * A required free-text field: trimmed; "请填写{label}。" when empty or not text, "{label}不能超过 {max} 个字。"
 * when longer (counted in characters, not UTF-16 units).
 */
export const requiredText = (label: string, max = TEXT_MAX) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .refine((s) => s.length > 0, `请填写${label}。`)
      .refine((s) => [...s].length <= max, `${label}不能超过 ${max} 个字。`),
  );

/** An optional free-text field: trimmed, null when empty or not text. */
export const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() ? v.trim() : null),
  z.string().nullable(),
);

/** A field read as text as given ('' when not text); its rules are the verb's (a deadline, a unit name). */
export const rawText = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string());

/** Step 1 of every verb, in one place for all entities. */
export { parseInput } from '../input.js';

/** The label of a problem's state ("处理中"), or the raw state if unknown. */
export const stateLabel = (state: string): string => STATE_LABEL[state as ProblemState] ?? state;

/** Refuses an action the problem's state does not allow. */
export function refuseState(p: ProblemRow, what: string): never {
  throw conflict(`${p.code} 当前状态为「${stateLabel(p.state)}」，不能${what}。`);
}

/**
 * The one row a conditional update returned. The row is locked, so none means another writer got
 * there first: a conflict, never a crash.
 */
export function updatedRow(rows: ProblemRow[], p: { code: string }): ProblemRow {
  const [row] = rows;
  if (!row) throw conflict(`${p.code} 已由他人处理。`);
  return row;
}

/** One history entry (what /查看 shows) and one audit row, in the caller's transaction. */
export async function record(
  ctx: ServiceCtx,
  p: { id: number; code: string },
  kind: string,
  o: {
    text?: string;
    data?: Record<string, unknown>;
    unitId?: number | null;
    before?: unknown;
    after?: unknown;
  } = {},
): Promise<void> {
  await ctx.tx.insert(problemEvents).values({
    problemId: p.id,
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    unitId: o.unitId ?? null,
    kind,
    text: o.text ?? '',
    data: o.data ?? null,
  });
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: `problem.${kind}`,
    subjectType: 'problem',
    subjectId: p.code,
    before: o.before ?? null,
    after: o.after ?? (o.text ? { text: o.text, ...o.data } : (o.data ?? null)),
  });
}

/** Sends a fresh card about the problem to each person (new message: fresh 14-day click window). */
export async function sendCards(
  ctx: ServiceCtx,
  row: ProblemRow,
  openIds: string[],
  purpose: string,
  o: { banner?: string; asCo?: boolean } = {},
): Promise<void> {
  const view = await loadView(ctx.tx, row, clockOf(ctx));
  const deciders = await decidersOf(ctx.tx, row, ctx.config.adminOpenIds);
  const msgs: OutboxMessage[] = [];
  for (const id of [...new Set(openIds)]) {
    const c = await cardForPerson(ctx, view, row, id, { ...o, deciders });
    msgs.push({
      msgType: 'interactive',
      content: c,
      purpose,
      problemId: row.id,
      audience: id,
      to: { type: 'open_id', id },
    });
  }
  await enqueue(ctx.tx, msgs);
}

export async function sendText(
  ctx: ServiceCtx,
  openIds: string[],
  text: string,
  purpose: string,
  problemId?: number,
): Promise<void> {
  await enqueue(
    ctx.tx,
    [...new Set(openIds)].map((id) => ({
      msgType: 'text' as const,
      content: { text },
      purpose,
      problemId,
      to: { type: 'open_id' as const, id },
    })),
  );
}

/** Card copies are kept true by one module (card-refresh.ts); re-exported for the problem services. */
import { refreshCopies } from '../card-refresh.js';

/** A problem as one person sees it lives in view.ts (card-refresh.ts needs it too); re-exported here. */
export { cardForPerson, clockOf } from './view.js';
export { refreshCopies };

export async function contactsOf(ctx: ServiceCtx, unitIds: number[]): Promise<string[]> {
  if (!unitIds.length) return [];
  const rows = await ctx.tx
    .select({ openId: unitContacts.openId })
    .from(unitContacts)
    .where(inArray(unitContacts.unitId, unitIds));
  return [...new Set(rows.map((r) => r.openId))];
}

export async function coUnitIds(ctx: ServiceCtx, problemId: number): Promise<number[]> {
  return (
    await ctx.tx
      .select({ unitId: problemCoUnits.unitId })
      .from(problemCoUnits)
      .where(eq(problemCoUnits.problemId, problemId))
  ).map((r) => r.unitId);
}

/** Who may decide the problem's pending request of a kind (domain/deciders.ts): review cards go to them. */
export async function decidersFor(ctx: ServiceCtx, row: ProblemRow, kind: RequestKind): Promise<string[]> {
  return [...((await decidersOf(ctx.tx, row, ctx.config.adminOpenIds, [kind])).get(kind)?.deciders ?? [])];
}

export async function groupChatOf(ctx: ServiceCtx, groupId: number | null): Promise<string | null> {
  if (groupId === null) return null;
  const [g] = await ctx.tx
    .select({ chatId: supervisionGroups.chatId })
    .from(supervisionGroups)
    .where(eq(supervisionGroups.id, groupId));
  return g?.chatId ?? null;
}

export async function staffOpenIds(ctx: ServiceCtx): Promise<string[]> {
  const rows = await ctx.tx
    .select({ openId: roles.openId })
    .from(roles)
    .where(inArray(roles.role, ['staff', 'admin']));
  return [...new Set([...rows.map((r) => r.openId), ...ctx.config.adminOpenIds])];
}

/** Every decision is announced to the unit's contacts with the problem's code (README.md). */
export async function announceToUnit(
  ctx: ServiceCtx,
  row: ProblemRow,
  message: string,
  purpose = 'decision',
): Promise<void> {
  const ids = await contactsOf(ctx, [row.leadUnitId, ...(await coUnitIds(ctx, row.id))]);
  await sendText(ctx, ids, `【${row.code}】${message}`, purpose, row.id);
}

/**
 * Steps 5 and 6 of a decision on a problem: its history entry and audit row (record), the units
 * told (`tell`, when there is something to tell), and every live copy of its card refreshed.
 */
export async function conclude(
  ctx: ServiceCtx,
  row: ProblemRow,
  kind: string,
  o: { text: string; before?: unknown; after?: unknown; tell?: string; clickedMessageId?: string },
): Promise<void> {
  await record(ctx, row, kind, { text: o.text, before: o.before, after: o.after });
  if (o.tell) await announceToUnit(ctx, row, o.tell);
  await refreshCopies(ctx, row, o.clickedMessageId);
}
