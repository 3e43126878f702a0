import { z } from 'zod';
import { groupMembers } from '../../../db/schema/index.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { PersonInput } from '../people/person-ref.js';
import { grantRole } from '../roles/grant.js';
import { type GroupRow, resolveGroup } from './read.js';

export const AddMemberInput = z.object({
  group: z.string(),
  campaign: z.string().optional(),
  person: PersonInput,
});
export type AddMemberInput = z.input<typeof AddMemberInput>;

/** Adds a member; membership makes the person a supervisor (role granted and audited too). */
export async function addMember(
  ctx: ServiceCtx,
  raw: AddMemberInput,
): Promise<{ group: GroupRow; already: boolean; granted: boolean }> {
  const { group: groupName, campaign: named, person } = parseInput(AddMemberInput, raw);
  mustStaff(ctx.actor, '管理督导组');
  const group = await resolveGroup(
    ctx.tx,
    groupName,
    await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组'),
  );
  const added = await ctx.tx
    .insert(groupMembers)
    .values({ groupId: group.id, openId: person.openId })
    .onConflictDoNothing()
    .returning();
  const { granted } = await grantRole(ctx, { person, role: 'supervisor', via: group.name });
  if (added.length)
    await audit(
      ctx,
      'group.member_added',
      { type: 'group', id: group.id },
      { after: { group: group.name, member: person.name, openId: person.openId } },
    );
  return { group, already: !added.length, granted };
}
