import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { voters } from '../../../db/schema/index.js';
import { conflict } from '../../domain/errors.js';
import { VOTER_CATEGORIES } from '../../domain/tally.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { sendBallots } from './ballot.js';
import { auditBy, openEvaluations } from './common.js';
import { Person, type RollChange } from './roll.js';

export const AddVotersInput = z.object({ category: z.enum(VOTER_CATEGORIES), people: z.array(Person) });
export type AddVotersInput = z.input<typeof AddVotersInput>;

/** People put on the roll (one for all campaigns) under a category; each vote in progress sends them a ballot now. */
export async function addVoters(ctx: ServiceCtx, input: AddVotersInput): Promise<RollChange> {
  mustStaff(ctx.actor, '管理投票人名单');
  const { category, people } = AddVotersInput.parse(input);
  const open = await openEvaluations(ctx.tx);
  const r: RollChange = { added: [], moved: [], already: [], ballotsSent: 0 };
  const fresh: string[] = [];
  for (const p of people) {
    const [cur] = await ctx.tx.select().from(voters).where(eq(voters.openId, p.openId)).for('update');
    if (cur?.category === category) {
      r.already.push(p.name);
      continue;
    }
    if (cur) {
      // The pool keeps the category a ballot was cast under; changing it mid-vote would skew turnout.
      if (open.length) throw conflict(`${p.name}已在名单中（${cur.category}），测评进行中不能更改其类别。`);
      const moved = await ctx.tx
        .update(voters)
        .set({ category, addedBy: ctx.actor.openId })
        .where(eq(voters.id, cur.id))
        .returning({ id: voters.id });
      if (!moved.length) throw new Error(`voters: update of ${cur.id} returned no row`);
      r.moved.push({ name: p.name, from: cur.category });
    } else {
      await ctx.tx.insert(voters).values({ openId: p.openId, category, addedBy: ctx.actor.openId });
      r.added.push(p.name);
      fresh.push(p.openId);
    }
    await auditBy(
      ctx,
      cur ? 'voter.category_changed' : 'voter.added',
      { type: 'voter', id: p.openId },
      {
        before: cur ? { category: cur.category } : null,
        after: { name: p.name, category },
      },
    );
  }
  // One card per open vote (votes of several campaigns may run at once); the count is of people.
  if (fresh.length)
    for (const e of open)
      r.ballotsSent = Math.max(r.ballotsSent, await sendBallots(ctx.tx, e, fresh, ctx.config.timezone));
  return r;
}
