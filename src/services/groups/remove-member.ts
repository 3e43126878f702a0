import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { groupMembers } from '../../../db/schema/index.js';
import { invalid } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import { writableCampaign } from '../campaigns/writable.js';
import { revokeLostCopies } from '../card-refresh.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { PersonInput } from '../people/person-ref.js';
import { type GroupRow, resolveGroup } from './read.js';

export const RemoveMemberInput = z.object({
  group: z.string(),
  campaign: z.string().optional(),
  person: PersonInput,
});
export type RemoveMemberInput = z.input<typeof RemoveMemberInput>;

/** Removes a member. The supervisor role stays (granted by admins, or needed for other groups). */
export async function removeMember(ctx: ServiceCtx, raw: RemoveMemberInput): Promise<GroupRow> {
  const { group: groupName, campaign: named, person } = parseInput(RemoveMemberInput, raw);
  mustStaff(ctx.actor, '管理督导组');
  const group = await resolveGroup(
    ctx.tx,
    groupName,
    await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组'),
  );
  const removed = await ctx.tx
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.openId, person.openId)))
    .returning();
  if (!removed.length) throw invalid(`${person.name}不是${group.name}的成员。`);
  await audit(
    ctx,
    'group.member_removed',
    { type: 'group', id: group.id },
    { before: { group: group.name, member: person.name, openId: person.openId } },
  );
  await revokeLostCopies(ctx, [person.openId]);
  return group;
}
