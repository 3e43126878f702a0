import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { voters } from '../../../db/schema/index.js';
import { conflict, notFound } from '../../domain/errors.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { auditBy, openEvaluations } from './common.js';
import { Person } from './roll.js';

export const RemoveVoterInput = z.object({ person: Person });
export type RemoveVoterInput = z.input<typeof RemoveVoterInput>;

/** A person taken off the roll, between votes only; returns the category they had. */
export async function removeVoter(ctx: ServiceCtx, input: RemoveVoterInput): Promise<string> {
  mustStaff(ctx.actor, '管理投票人名单');
  const { person } = RemoveVoterInput.parse(input);
  const [open] = await openEvaluations(ctx.tx);
  if (open) throw conflict(`满意度测评「${open.name}」正在进行，结束后才能移除投票人。`);
  const [cur] = await ctx.tx.delete(voters).where(eq(voters.openId, person.openId)).returning();
  if (!cur) throw notFound(`${person.name}不在投票人名单中。`);
  await auditBy(
    ctx,
    'voter.removed',
    { type: 'voter', id: person.openId },
    { before: { name: person.name, category: cur.category } },
  );
  return cur.category;
}
