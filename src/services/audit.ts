import { appendAudit } from '../audit/chain.js';
import type { ServiceCtx } from './context.js';

/** Step 5 of a verb: one audit row for what the actor did to a subject, at the verb's time. */
export async function audit(
  ctx: Pick<ServiceCtx, 'tx' | 'actor' | 'now'>,
  action: string,
  subject: { type: string; id: string | number },
  change: { before?: unknown; after?: unknown },
): Promise<void> {
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action,
    subjectType: subject.type,
    subjectId: String(subject.id),
    before: change.before ?? null,
    after: change.after ?? null,
  });
}
