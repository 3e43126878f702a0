import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { evidence } from '../../../db/schema/index.js';
import { notFound } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import type { ProblemRow } from '../problems/load.js';
import { bytesOf, type EvidenceBytes, viewableProblem } from './common.js';

export const EvidenceFileInput = z.object({
  problemId: z.number().int().positive(),
  evidenceId: z.number().int().positive(),
});
export type EvidenceFileInput = z.input<typeof EvidenceFileInput>;

/** 查看 on one item: that file's name and bytes, for someone who may see the problem. */
export async function evidenceFile(
  ctx: Pick<ServiceCtx, 'tx' | 'actor'>,
  input: EvidenceFileInput,
): Promise<{ problem: ProblemRow; file: EvidenceBytes }> {
  const { problemId, evidenceId } = EvidenceFileInput.parse(input);
  const p = await viewableProblem(ctx.tx, ctx.actor, problemId);
  const [e] = await ctx.tx
    .select({ sha256: evidence.sha256, name: evidence.name })
    .from(evidence)
    .where(and(eq(evidence.id, evidenceId), eq(evidence.problemId, p.id)));
  if (!e) throw notFound('未找到该材料，可能已被移除。');
  return { problem: p, file: await bytesOf(ctx.tx, e) };
}
