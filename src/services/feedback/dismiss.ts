import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { anonymousFeedback } from '../../../db/schema/index.js';
import { conflict, invalid } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { auditDecision, authorizeTriage, lockNew } from './common.js';

/** The reason arrives from a card's form: anything, checked below with the form's own message. */
export const DismissFeedbackInput = z.object({ id: z.string(), reason: z.unknown() });
export type DismissFeedbackInput = z.input<typeof DismissFeedbackInput>;

/** 不予采纳: the reason is kept and told to whoever holds the receipt code. */
export async function dismissFeedback(ctx: ServiceCtx, input: DismissFeedbackInput): Promise<void> {
  authorizeTriage(ctx);
  const { id, reason } = DismissFeedbackInput.parse(input);
  const f = await lockNew(ctx, id);
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (!why) throw invalid('请填写不予采纳的理由（将告知反馈人）。');
  const done = await ctx.tx
    .update(anonymousFeedback)
    .set({
      status: 'dismissed',
      decisionReason: why.slice(0, 500),
      decidedBy: ctx.actor.openId,
      decidedAt: ctx.now,
    })
    .where(and(eq(anonymousFeedback.id, f.id), eq(anonymousFeedback.status, 'new')))
    .returning({ id: anonymousFeedback.id });
  if (!done.length) throw conflict('该条反馈已处理。');
  await auditDecision(ctx, 'feedback.dismissed', id, { reason: why });
}
