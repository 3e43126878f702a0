import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { anonymousFeedback, problems } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { type AssignResult, assignProblem } from '../problems/assign.js';
import { auditDecision, authorizeTriage, lockNew } from './common.js';

/** The problem's fields staff give; the description is the submission's text, the source 线上匿名. */
export const ConvertFeedbackInput = z.object({
  id: z.string(),
  title: z.string(),
  leadUnit: z.string(),
  coUnits: z.array(z.string()).optional(),
  deadline: z.string(),
  category: z.string().optional(),
  timeliness: z.string().optional(),
  publicTitle: z.string().optional(),
  /** The campaign triage puts it into (anonymous feedback belongs to none before); else the current one. */
  campaignId: z.coerce.number().int().positive().optional(),
});
export type ConvertFeedbackInput = z.input<typeof ConvertFeedbackInput>;

/**
 * Turns a submission into a problem (source 线上匿名): the text reaches the unit unaltered as the
 * description; staff give a title and, for anything made public, a redacted public title.
 */
export async function convertFeedback(ctx: ServiceCtx, input: ConvertFeedbackInput): Promise<AssignResult> {
  authorizeTriage(ctx);
  const { id, publicTitle: rawPublicTitle, ...fields } = ConvertFeedbackInput.parse(input);
  const f = await lockNew(ctx, id);
  const r = await assignProblem(ctx, { ...fields, description: f.text, source: '线上匿名' });
  const publicTitle = rawPublicTitle?.trim();
  if (publicTitle) await ctx.tx.update(problems).set({ publicTitle }).where(eq(problems.id, r.problem.id));
  const done = await ctx.tx
    .update(anonymousFeedback)
    .set({ status: 'converted', problemId: r.problem.id, decidedBy: ctx.actor.openId, decidedAt: ctx.now })
    .where(and(eq(anonymousFeedback.id, id), eq(anonymousFeedback.status, 'new')))
    .returning({ id: anonymousFeedback.id });
  if (!done.length) throw conflict('该条反馈已处理。');
  await auditDecision(ctx, 'feedback.converted', id, {
    problem: r.problem.code,
    publicTitle: publicTitle ?? null,
  });
  return r;
}
