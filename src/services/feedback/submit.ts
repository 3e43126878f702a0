import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { anonymousFeedback } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { todayIn } from '../../domain/dates.js';
import { invalid, rateLimited } from '../../domain/errors.js';
import { FEEDBACK_MAX, FEEDBACK_PENDING_MAX, newReceiptCode, receiptHash } from './common.js';

export const SubmitFeedbackInput = z.object({ text: z.string(), now: z.date(), timezone: z.string() });
export type SubmitFeedbackInput = z.input<typeof SubmitFeedbackInput>;

/**
 * Stores an anonymous submission: its text, a hash of the receipt code and the day — nothing
 * about who sent it (docs/decisions/0004-anonymity.md). Anyone may submit, so nothing is
 * authorized. Its audit row is not written here: an audit row's seq would sit between rows with
 * exact times and date it. sealFeedback appends the day's rows in one batch once the day is over.
 */
export async function submitFeedback(
  tx: Tx,
  input: SubmitFeedbackInput,
): Promise<{ code: string; id: string }> {
  const o = SubmitFeedbackInput.parse(input);
  const text = o.text.trim();
  if (!text) throw invalid('请填写反馈内容。');
  if ([...text].length > FEEDBACK_MAX) throw invalid(`反馈内容不能超过 ${FEEDBACK_MAX} 个字。`);
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.status, 'new'));
  if (n >= FEEDBACK_PENDING_MAX) throw rateLimited('待处理的反馈较多，暂不能受理新的反馈，请过几天再提交。');
  const code = newReceiptCode();
  const [row] = await tx
    .insert(anonymousFeedback)
    .values({ receiptHash: receiptHash(code), text, receivedOn: todayIn(o.now, o.timezone) })
    .returning({ id: anonymousFeedback.id });
  if (!row) throw new Error('anonymous_feedback insert returned no row');
  return { code, id: row.id };
}
