import { z } from 'zod';
import { conflict } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { record } from '../problems/common.js';
import { type Decided, decideItem, lockPendingItem, refreshUnitCards } from './reinspection.js';

/** 维持销号: the close-out stands; recorded on the problem and in the audit trail. */
export const ConfirmItemInput = z.object({ itemId: z.number(), clickedMessageId: z.string().optional() });
export type ConfirmItemInput = z.input<typeof ConfirmItemInput>;

export async function confirmItem(ctx: ServiceCtx, input: ConfirmItemInput): Promise<Decided> {
  const { itemId, clickedMessageId } = ConfirmItemInput.parse(input);
  const { item, evaluation, p } = await lockPendingItem(ctx, itemId);
  if (p.state !== 'closed') throw conflict(`${p.code} 当前不是已销号状态，无法维持销号。`);
  await decideItem(ctx, item, { status: 'confirmed' });
  await record(ctx, p, 'reinspection_confirmed', {
    text: '整改到位，维持销号',
    after: { reinspection: 'confirmed', evaluationId: evaluation.id },
  });
  await refreshUnitCards(ctx.tx, evaluation, item.unitId, ctx.now, clickedMessageId);
  return { message: `已确认 ${p.code} 维持销号。`, evaluation, unitId: item.unitId };
}
