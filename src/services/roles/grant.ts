import { z } from 'zod';
import { roles } from '../../../db/schema/index.js';
import { audit } from '../audit.js';
import { mustAdmin, mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { PersonInput } from '../people/person-ref.js';
import { ROLES } from '../people/read.js';

export const GrantRoleInput = z
  .object({
    person: PersonInput,
    role: z.enum(ROLES),
    /** The group whose membership brings the role (/督导组 成员 … 添加): supervisors only. */
    via: z.string().optional(),
  })
  .refine((i) => i.via === undefined || i.role === 'supervisor', 'only supervision groups grant a role');
export type GrantRoleInput = z.input<typeof GrantRoleInput>;

/**
 * Grants a role (/角色, admins only). Staff adding a member to a 督导组 make them a supervisor
 * through the same verb, naming the group. A role held already is answered as such.
 */
export async function grantRole(ctx: ServiceCtx, raw: GrantRoleInput): Promise<{ granted: boolean }> {
  const { person, role, via } = parseInput(GrantRoleInput, raw);
  if (via === undefined) mustAdmin(ctx.actor, '授予角色');
  else mustStaff(ctx.actor, '管理督导组');
  const inserted = await ctx.tx
    .insert(roles)
    .values({ openId: person.openId, role, grantedBy: ctx.actor.openId, grantedAt: ctx.now })
    .onConflictDoNothing()
    .returning();
  if (!inserted.length) return { granted: false };
  await audit(
    ctx,
    'role.granted',
    { type: 'person', id: person.openId },
    { after: via === undefined ? { role, name: person.name } : { role, name: person.name, via } },
  );
  return { granted: true };
}
