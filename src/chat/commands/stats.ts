import { rankCard, statsCard } from '../../../cards/stats.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { rankingFor, statsFor } from '../../services/queries.js';
import type { CommandSpec } from '../context.js';
import { campaignArg } from '../parse.js';

export const statsCommand: CommandSpec = {
  names: ['统计', 'stats'],
  readOnly: true,
  who: 'staff_or_supervisor',
  usage: '/统计 [议题:<名称>]',
  summary: '当前议题按单位、状态、类别统计问题数、未销号、逾期和办结率。',
  async run(ctx) {
    return { card: statsCard(await statsFor(await serviceCtx(ctx), campaignArg(ctx.args))) };
  },
};

export const rankCommand: CommandSpec = {
  names: ['排名', 'rank'],
  readOnly: true,
  who: 'staff_or_supervisor',
  usage: '/排名 [议题:<名称>]',
  summary: '当前议题的承办单位按牵头问题数排名（件数相同名次相同），附办结率和逾期数。',
  async run(ctx) {
    const r = await rankingFor(await serviceCtx(ctx), campaignArg(ctx.args));
    return { card: rankCard(r.ranked, r) };
  },
};
