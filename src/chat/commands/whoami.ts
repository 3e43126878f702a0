import { inArray } from 'drizzle-orm';
import { whoamiCard } from '../../../cards/whoami.js';
import { units } from '../../../db/schema/index.js';
import { contactUnitIds } from '../../services/problems/load.js';
import type { CommandSpec } from '../context.js';

export const whoamiCommand: CommandSpec = {
  names: ['我是谁', 'whoami'],
  readOnly: true,
  who: 'anyone',
  usage: '/我是谁',
  summary: '查看自己的 open_id、姓名、角色和联络单位。',
  async run(ctx) {
    const ids = await contactUnitIds(ctx.tx, ctx.actor.openId);
    const mine = ids.length
      ? await ctx.tx.select({ name: units.name }).from(units).where(inArray(units.id, ids))
      : [];
    return {
      card: whoamiCard({
        openId: ctx.actor.openId,
        name: ctx.actor.name,
        roles: ctx.actor.roles,
        units: mine.map((u) => u.name),
      }),
    };
  },
};
