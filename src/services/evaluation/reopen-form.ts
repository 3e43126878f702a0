import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ReinspectionView } from '../../../cards/evaluation.js';
import { problems } from '../../../db/schema/index.js';
import type { ServiceCtx } from '../context.js';
import { loadItem, mustBePending, mustDecide, unitView } from './reinspection.js';

/** The 重新整改 form, opened in the clicker's card (authority checked now, and again on submit). */
export const ReopenFormInput = z.object({ itemId: z.number() });
export type ReopenFormInput = z.input<typeof ReopenFormInput>;

export async function reopenFormView(ctx: ServiceCtx, input: ReopenFormInput): Promise<ReinspectionView> {
  const { itemId } = ReopenFormInput.parse(input);
  const { item, evaluation } = await loadItem(ctx.tx, itemId);
  await mustDecide(ctx, item);
  const [p] = await ctx.tx
    .select({ code: problems.code })
    .from(problems)
    .where(eq(problems.id, item.problemId));
  mustBePending(item, p?.code ?? '');
  return unitView(ctx.tx, evaluation, item.unitId, item.id);
}
