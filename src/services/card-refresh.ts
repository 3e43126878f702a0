import { and, eq, inArray, isNotNull, ne, or } from 'drizzle-orm';
import { revokedCard } from '../../cards/problem.js';
import { showCard } from '../../cards/show.js';
import { outbox } from '../../db/schema/index.js';
import { canSee } from '../domain/capabilities.js';
import type { ProblemView, Relation } from '../domain/problem-view.js';
import { type Copy, liveCopies, rewriteCopies } from '../outbox/card-refresh.js';
import type { ServiceCtx } from './context.js';
import { namesOf, rolesOf } from './people/read.js';
import { decidersOf } from './problems/deciders.js';
import { findProblem, loadView, type ProblemRow, relationOf } from './problems/load.js';
import { cardForPerson, clockOf } from './problems/view.js';
import { showProblem } from './queries.js';

/**
 * Problem cards' copies kept true per holder (docs/decisions/0009-separation-of-duties.md): rebuilt
 * only for holders who may still see the problem; the others get a short notice once and are then
 * left alone. How a copy is rewritten or patched is outbox/card-refresh.ts.
 */

/** A /查看 copy rebuilt for its holder: the full card with history, evidence and 未送达 lines. */
async function showCardFor(ctx: ServiceCtx, row: ProblemRow, openId: string) {
  const roles = await rolesOf(ctx.tx, openId, ctx.config.adminOpenIds);
  const name = (await namesOf(ctx.tx, [openId])).get(openId) ?? openId;
  try {
    return showCard((await showProblem({ ...ctx, actor: { openId, name, roles } }, row.code)).show);
  } catch {
    return undefined;
  }
}

const problemCopies = (problemId: number, audiences?: string[]) =>
  and(
    eq(outbox.problemId, problemId),
    audiences ? inArray(outbox.audience, audiences) : isNotNull(outbox.audience),
    inArray(outbox.kind, ['send', 'reply']),
  );

/**
 * Walks a problem's copies (newest first): a holder who can no longer see the problem gets the
 * notice once; with `rebuild`, the others get their card rebuilt. Only the newest /查看 copy of
 * each holder is live; older ones are left as they are.
 */
async function sweep(
  ctx: ServiceCtx,
  row: ProblemRow,
  copies: Copy[],
  o: { rebuild: boolean; exceptMessageId?: string },
): Promise<void> {
  if (!copies.length) return;
  const deciders = await decidersOf(ctx.tx, row, ctx.config.adminOpenIds);
  const relations = new Map<string, Relation>();
  const shown = new Set<string>();
  const fresh: { copy: Copy; content: unknown }[] = [];
  const gone: { copy: Copy; content: unknown }[] = [];
  let view: ProblemView | undefined;
  for (const c of copies) {
    const who = c.audience!;
    if (c.purpose === 'show') {
      if (shown.has(who)) continue;
      shown.add(who);
    }
    if (o.exceptMessageId && c.sentMessageId === o.exceptMessageId) continue;
    let rel = relations.get(who);
    if (!rel) {
      const roles = await rolesOf(ctx.tx, who, ctx.config.adminOpenIds);
      rel = await relationOf(ctx.tx, who, roles, row, { deciders });
      relations.set(who, rel);
    }
    if (!canSee(rel)) {
      gone.push({ copy: c, content: revokedCard(row.code) });
      continue;
    }
    if (!o.rebuild) continue;
    view ??= await loadView(ctx.tx, row, clockOf(ctx));
    const card =
      c.purpose === 'show'
        ? await showCardFor(ctx, row, who)
        : await cardForPerson(ctx, view, row, who, { relation: rel });
    if (card) fresh.push({ copy: c, content: card });
  }
  await rewriteCopies(ctx.tx, fresh, row.id);
  const written = await rewriteCopies(ctx.tx, gone, row.id);
  const holders = [...new Set(gone.map((g) => g.copy.audience!))];
  if (!holders.length) return;
  // Never again: the notified copies and every settled copy of these holders lose their holder,
  // so no later refresh rebuilds them. A copy still being retried keeps it: once sent, the next
  // refresh gives it the notice.
  await ctx.tx
    .update(outbox)
    .set({ audience: null })
    .where(
      and(
        problemCopies(row.id, holders),
        written.length
          ? or(inArray(outbox.id, written), ne(outbox.status, 'pending'))
          : ne(outbox.status, 'pending'),
      ),
    );
}

/** Keeps every live copy of the problem's card true for its holder, or tells them it is no longer theirs. */
export async function refreshCopies(
  ctx: ServiceCtx,
  row: ProblemRow,
  exceptMessageId?: string,
): Promise<void> {
  const copies = await liveCopies(ctx.tx, problemCopies(row.id), ctx.now);
  await sweep(ctx, row, copies, { rebuild: true, exceptMessageId });
}

/** After people lose access (contact removed, left a group): their copies that no longer apply get the notice. */
export async function revokeLostCopies(ctx: ServiceCtx, openIds: string[]): Promise<void> {
  if (!openIds.length) return;
  const copies = await liveCopies(
    ctx.tx,
    and(
      isNotNull(outbox.problemId),
      inArray(outbox.audience, openIds),
      inArray(outbox.kind, ['send', 'reply']),
    ),
    ctx.now,
  );
  const byProblem = new Map<number, Copy[]>();
  for (const c of copies) byProblem.set(c.problemId!, [...(byProblem.get(c.problemId!) ?? []), c]);
  for (const [problemId, list] of byProblem)
    await sweep(ctx, await findProblem(ctx.tx, problemId), list, { rebuild: false });
}
