import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { supervisionGroups } from '../../../db/schema/index.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { type GroupRow, resolveGroup } from './read.js';

export const BindChatInput = z
  .object({ group: z.string(), campaign: z.string().optional(), chatId: z.string() })
  .superRefine((i, c) => {
    if (!/^oc_[\w-]+$/.test(i.chatId))
      c.addIssue({
        code: 'custom',
        message: `「${i.chatId}」不是有效的群聊 chat_id（形如 oc_xxx）。也可在该群聊中 @机器人 发送 /督导组 群聊 <组名>。`,
      });
  });
export type BindChatInput = z.input<typeof BindChatInput>;

/** Binds the group's chat (new-assignment notices go there). */
export async function bindChat(ctx: ServiceCtx, raw: BindChatInput): Promise<GroupRow> {
  const { group: groupName, campaign: named, chatId } = parseInput(BindChatInput, raw);
  mustStaff(ctx.actor, '管理督导组');
  const found = await resolveGroup(
    ctx.tx,
    groupName,
    await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组'),
  );
  const [group] = await ctx.tx
    .select()
    .from(supervisionGroups)
    .where(eq(supervisionGroups.id, found.id))
    .for('update');
  const [updated] = await ctx.tx
    .update(supervisionGroups)
    .set({ chatId })
    .where(eq(supervisionGroups.id, found.id))
    .returning();
  // Groups are never deleted: a row found and locked is there to update.
  if (!group || !updated) throw new Error(`group ${found.id} vanished while locked`);
  await audit(
    ctx,
    'group.chat_bound',
    { type: 'group', id: group.id },
    { before: { chatId: group.chatId }, after: { chatId } },
  );
  return updated;
}
