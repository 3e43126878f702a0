import { inArray } from 'drizzle-orm';
import { units } from '../../../db/schema/index.js';
import type { ServiceCtx } from '../context.js';
import { contactUnitIds } from '../problems/load.js';
import type { Role } from './read.js';

export interface WhoamiView {
  openId: string;
  name: string;
  roles: Set<Role>;
  /** Names of the units the actor is a contact of. */
  units: string[];
}

/** /我是谁: who the actor is to the bot (a read; nothing changes). */
export async function whoami(ctx: Pick<ServiceCtx, 'tx' | 'actor'>): Promise<WhoamiView> {
  const ids = await contactUnitIds(ctx.tx, ctx.actor.openId);
  const mine = ids.length
    ? await ctx.tx.select({ name: units.name }).from(units).where(inArray(units.id, ids))
    : [];
  return {
    openId: ctx.actor.openId,
    name: ctx.actor.name,
    roles: ctx.actor.roles,
    units: mine.map((u) => u.name),
  };
}
