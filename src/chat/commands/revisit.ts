import { unsatisfiedCard } from '../../../cards/revisit.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { unsatisfiedList } from '../../services/revisits/read.js';
import type { CommandSpec } from '../context.js';

export const unsatisfiedCommand: CommandSpec = {
  names: ['不满意件', 'unsatisfied'],
  who: 'staff',
  // Names the raisers: asked in a group, answered one-to-one.
  private: true,
  usage: '/不满意件',
  summary: '回访评价为不满意、待处理的问题，逐件重办（新期限）或说明理由。',
  async run(ctx) {
    const items = await unsatisfiedList(await serviceCtx(ctx), 10);
    if (!items.length) return { text: '暂无待处理的不满意件。' };
    // One card per item, like /线索: each is decided on its own card.
    for (const v of items.slice(1))
      ctx.send({
        msgType: 'interactive',
        content: unsatisfiedCard(v),
        purpose: 'unsatisfied',
        to: { type: 'open_id', id: ctx.actor.openId },
      });
    return { card: unsatisfiedCard(items[0]!) };
  },
};
