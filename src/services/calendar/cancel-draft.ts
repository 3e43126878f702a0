import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDrafts } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { authorizeAdmin } from './common.js';

export const CancelDraftInput = z.object({ id: z.string() });
export type CancelDraftInput = z.input<typeof CancelDraftInput>;

/** 取消: the draft dropped; nothing else changes. */
export async function cancelDraft(ctx: ServiceCtx, input: CancelDraftInput): Promise<{ year: number }> {
  authorizeAdmin(ctx.actor);
  const { id } = CancelDraftInput.parse(input);
  const [draft] = await ctx.tx
    .delete(calendarDrafts)
    .where(eq(calendarDrafts.id, id))
    .returning({ year: calendarDrafts.year });
  if (!draft) throw conflict('该导入已确认或已取消。');
  return draft;
}
