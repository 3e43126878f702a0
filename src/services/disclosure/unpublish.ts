import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import type { ServiceCtx } from '../context.js';
import { DISCLOSURE_ACTIONS as ACTIONS } from '../disclosure.js';
import { auditDisclosure, authorizePublish, lockByCodes, mustHaveUpdated } from './common.js';

export const UnpublishInput = z.object({ codes: z.array(z.string()) });
export type UnpublishInput = z.input<typeof UnpublishInput>;

/** Takes problems off the public page (their public title is kept for a later re-publication). */
export async function unpublishProblems(
  ctx: ServiceCtx,
  input: UnpublishInput,
): Promise<{ withdrawn: string[]; notPublished: string[] }> {
  authorizePublish(ctx);
  const { codes } = UnpublishInput.parse(input);
  const rows = await lockByCodes(ctx, codes);
  const out = { withdrawn: [] as string[], notPublished: [] as string[] };
  for (const p of rows) {
    if (!p.publishedAt) {
      out.notPublished.push(p.code);
      continue;
    }
    const updated = await ctx.tx
      .update(problems)
      .set({ publishedAt: null })
      .where(eq(problems.id, p.id))
      .returning({ id: problems.id });
    mustHaveUpdated(updated, p.code);
    await auditDisclosure(
      ctx,
      ACTIONS.withdrawn,
      p,
      { publishedAt: p.publishedAt.toISOString() },
      { publishedAt: null },
    );
    out.withdrawn.push(p.code);
  }
  return out;
}
