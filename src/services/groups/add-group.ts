import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { supervisionGroups } from '../../../db/schema/index.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import type { GroupRow } from './read.js';

const NAME_MAX = 50;

export const AddGroupInput = z.object({
  name: z
    .string()
    .trim()
    .refine((n) => n.length > 0, '格式：/督导组 添加 <名称>，如 /督导组 添加 第一督导组')
    .refine((n) => !/\s/.test(n), '督导组名称不能包含空格。')
    .refine((n) => [...n].length <= NAME_MAX, `督导组名称不能超过 ${NAME_MAX} 个字。`),
  /** `议题:<名称>`; else the asker's current campaign. */
  campaign: z.string().optional(),
});
export type AddGroupInput = z.input<typeof AddGroupInput>;

/** /督导组 添加 <名称>: a group of the campaign; a name that exists in it already is answered as such. */
export async function addGroup(
  ctx: ServiceCtx,
  raw: AddGroupInput,
): Promise<{ group: GroupRow; created: boolean; campaign: CampaignRow }> {
  const { name, campaign: named } = parseInput(AddGroupInput, raw);
  mustStaff(ctx.actor, '管理督导组');
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组');
  const existing = async () =>
    (
      await ctx.tx
        .select()
        .from(supervisionGroups)
        .where(and(eq(supervisionGroups.campaignId, campaign.id), eq(supervisionGroups.name, name)))
    )[0];
  const before = await existing();
  if (before) return { group: before, created: false, campaign };
  const [group] = await ctx.tx
    .insert(supervisionGroups)
    .values({ name, campaignId: campaign.id, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning();
  if (!group) {
    // Added by someone else since the read above.
    const now = await existing();
    if (now) return { group: now, created: false, campaign };
    throw new Error(`group ${name} neither inserted nor found`);
  }
  await audit(
    ctx,
    'group.added',
    { type: 'group', id: group.id },
    { after: { name, campaign: campaign.name } },
  );
  return { group, created: true, campaign };
}
