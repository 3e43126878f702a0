import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { evidence } from '../../../db/schema/index.js';
import type { EvidenceItem } from '../../domain/problem-view.js';
import type { ServiceCtx } from '../context.js';
import { loadEvidence, type ProblemRow } from '../problems/load.js';
import { bytesOf, type EvidenceBytes, viewableProblem } from './common.js';

/** Re-sending on 查看材料: the newest files, within a budget (the bytes travel through the outbox). */
const RESEND_MAX_FILES = 5;
const RESEND_MAX_BYTES = 40 * 1024 * 1024;

export const ListEvidenceInput = z.object({ problemId: z.number().int().positive() });
export type ListEvidenceInput = z.input<typeof ListEvidenceInput>;

/** 查看材料: a problem's evidence for someone who may see it, and the newest files to send them again. */
export async function listEvidence(
  ctx: Pick<ServiceCtx, 'tx' | 'actor'>,
  input: ListEvidenceInput,
): Promise<{ problem: ProblemRow; items: EvidenceItem[]; resend: EvidenceBytes[] }> {
  const { problemId } = ListEvidenceInput.parse(input);
  const p = await viewableProblem(ctx.tx, ctx.actor, problemId);
  const items = await loadEvidence(ctx.tx, p.id);
  if (!items.length) return { problem: p, items, resend: [] };
  const files = await ctx.tx
    .select({ sha256: evidence.sha256, name: evidence.name, size: evidence.size })
    .from(evidence)
    .where(and(eq(evidence.problemId, p.id), eq(evidence.kind, 'file')))
    .orderBy(desc(evidence.uploadedAt), desc(evidence.id));
  let budget = RESEND_MAX_BYTES;
  const resend: EvidenceBytes[] = [];
  for (const f of files) {
    if (resend.length >= RESEND_MAX_FILES || f.size > budget) break;
    budget -= f.size;
    resend.push(await bytesOf(ctx.tx, f));
  }
  return { problem: p, items, resend };
}
