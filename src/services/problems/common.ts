import { and, eq, gte, inArray, isNotNull, or } from 'drizzle-orm';
import { type ProblemForm, problemCard } from '../../../cards/problem.js';
import {
  groupMembers,
  outbox,
  problemCoUnits,
  problemEvents,
  roles,
  supervisionGroups,
  unitContacts,
} from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { capabilities } from '../../domain/capabilities.js';
import type { ProblemView } from '../../domain/problem-view.js';
import { enqueue, type OutboxMessage } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { namesOf, rolesOf } from '../people.js';
import { showProblem } from '../queries.js';
import { allUnits } from '../units.js';
import { loadView, type ProblemRow, relationOf, type ViewClock } from './load.js';

export const clockOf = (ctx: ServiceCtx): ViewClock => ({
  now: ctx.now,
  timezone: ctx.config.timezone,
  calendar: ctx.calendar,
});

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

/** The card about a problem as one person should see it (their buttons). */
export async function cardForPerson(
  ctx: ServiceCtx,
  view: ProblemView,
  row: ProblemRow,
  openId: string,
  o: { banner?: string; form?: ProblemForm; asCo?: boolean } = {},
) {
  const r = await relationOf(ctx.tx, openId, await rolesOf(ctx.tx, openId, ctx.config.adminOpenIds), row);
  const caps = capabilities(view, r);
  const unitNames = o.form === 'decideDispute' ? (await allUnits(ctx.tx)).map((u) => u.name) : undefined;
  return problemCard(view, {
    caps,
    timezone: ctx.config.timezone,
    banner: o.banner,
    form: o.form,
    asCo: o.asCo ?? (r.co && !r.lead),
    unitNames,
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
  const msgs: OutboxMessage[] = [];
  for (const id of [...new Set(openIds)]) {
    const c = await cardForPerson(ctx, view, row, id, o);
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

const FOURTEEN_DAYS = 14 * 86_400_000;

/** A /查看 copy rebuilt for its audience: the full card with history, evidence and 未送达 lines. */
async function showCardFor(ctx: ServiceCtx, row: ProblemRow, openId: string) {
  const roles = await rolesOf(ctx.tx, openId, ctx.config.adminOpenIds);
  const name = (await namesOf(ctx.tx, [openId])).get(openId) ?? openId;
  try {
    return (await showProblem({ ...ctx, actor: { openId, name, roles } }, row.code)).card;
  } catch {
    // The viewer lost the right to see it (e.g. reassigned away): their copy is left as it was.
    return undefined;
  }
}

/**
 * Keeps every copy of the problem's card true: sent cards younger than 14 days are patched
 * (rebuilt for their audience); cards still waiting in the outbox are rewritten in place.
 * Older cards cannot be patched (Lark's limit); /查看 and reminders carry fresh buttons.
 */
export async function refreshCopies(
  ctx: ServiceCtx,
  row: ProblemRow,
  exceptMessageId?: string,
): Promise<void> {
  const copies = await ctx.tx
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.problemId, row.id),
        eq(outbox.msgType, 'interactive'),
        isNotNull(outbox.audience),
        inArray(outbox.kind, ['send', 'reply']),
        or(
          eq(outbox.status, 'pending'),
          and(
            inArray(outbox.status, ['sent', 'local']),
            gte(outbox.sentAt, new Date(ctx.now.getTime() - FOURTEEN_DAYS)),
          ),
        ),
      ),
    );
  if (!copies.length) return;
  const view = await loadView(ctx.tx, row, clockOf(ctx));
  const patches: OutboxMessage[] = [];
  for (const c of copies) {
    if (exceptMessageId && c.sentMessageId === exceptMessageId) continue;
    const fresh =
      c.purpose === 'show'
        ? await showCardFor(ctx, row, c.audience!)
        : await cardForPerson(ctx, view, row, c.audience!);
    if (!fresh) continue;
    if (c.status === 'pending' && c.attempts === 0) {
      await ctx.tx
        .update(outbox)
        .set({ content: JSON.stringify(fresh) })
        .where(eq(outbox.id, c.id));
    } else if (c.sentMessageId) {
      patches.push({
        msgType: 'interactive',
        content: fresh,
        purpose: 'card_patch',
        problemId: row.id,
        patch: { messageId: c.sentMessageId },
      });
    }
  }
  await enqueue(ctx.tx, patches);
}

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

/** The supervisors who decide for a problem: its group's members, or every supervisor when it has none. */
export async function supervisorsOf(ctx: ServiceCtx, row: { groupId: number | null }): Promise<string[]> {
  const sup = (
    await ctx.tx.select({ openId: roles.openId }).from(roles).where(eq(roles.role, 'supervisor'))
  ).map((r) => r.openId);
  if (row.groupId === null) return sup;
  const members = (
    await ctx.tx
      .select({ openId: groupMembers.openId })
      .from(groupMembers)
      .where(eq(groupMembers.groupId, row.groupId))
  ).map((r) => r.openId);
  return members.filter((m) => sup.includes(m));
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

/** Every decision is announced to the unit's contacts with the problem's code (CONTRACT.md). */
export async function announceToUnit(
  ctx: ServiceCtx,
  row: ProblemRow,
  message: string,
  purpose = 'decision',
): Promise<void> {
  const ids = await contactsOf(ctx, [row.leadUnitId, ...(await coUnitIds(ctx, row.id))]);
  await sendText(ctx, ids, `【${row.code}】${message}`, purpose, row.id);
}
