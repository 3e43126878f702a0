import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { outbox } from '../../../db/schema/index.js';
import { forbidden } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { findProblem, type ProblemRow } from '../problems/load.js';
import { queueEvidence } from './queue.js';

/** The answer to "which problem is this for?" on the card that asked (its message id). */
export const AttachEvidenceInput = z.object({
  problemId: z.number().int().positive(),
  /** The message that carries the file, its chat and what it is. */
  messageId: z.string().min(1),
  chatId: z.string().optional(),
  fileKey: z.string().min(1),
  kind: z.enum(['image', 'file']),
  name: z.string().max(200).optional(),
  /** The card clicked. */
  cardMessageId: z.string().optional(),
});
export type AttachEvidenceInput = z.input<typeof AttachEvidenceInput>;

/** Only the sender of the file, only an open problem of theirs: the download is queued. */
export async function attachEvidence(
  ctx: Pick<ServiceCtx, 'tx' | 'actor'>,
  input: AttachEvidenceInput,
): Promise<{ problem: ProblemRow; name: string }> {
  const v = AttachEvidenceInput.parse(input);
  // The card must be the one we asked this person with, about this very message.
  const [asked] = v.cardMessageId
    ? await ctx.tx
        .select({ audience: outbox.audience, target: outbox.targetMessageId })
        .from(outbox)
        .where(and(eq(outbox.sentMessageId, v.cardMessageId), eq(outbox.purpose, 'evidence_pick')))
    : [];
  if (!asked || asked.audience !== ctx.actor.openId || asked.target !== v.messageId)
    throw forbidden('只有发送该文件的人可以选择它所属的问题。');
  const p = await findProblem(ctx.tx, v.problemId);
  await queueEvidence(ctx.tx, ctx.actor, p, {
    messageId: v.messageId,
    chatId: v.chatId,
    fileKey: v.fileKey,
    kind: v.kind,
    fileName: v.kind === 'file' ? v.name : undefined,
  });
  return { problem: p, name: v.name ?? (v.kind === 'image' ? '图片' : '文件') };
}
