import { rankCard, statsCard } from '../../../cards/stats.js';
import { trendCard } from '../../../cards/trend.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { rankingFor, statsFor } from '../../services/queries.js';
import { trendFor } from '../../services/scoring/trend.js';
import type { CommandSpec } from '../context.js';
import { campaignArg, campaignOption, words } from '../parse.js';

export const statsCommand: CommandSpec = {
  names: ['统计', 'stats'],
  who: 'staff_or_supervisor',
  usage: '/统计 [趋势 [单位]] [议题:<名称>]',
  summary:
    '当前议题按单位、状态、类别统计问题数、未销号、逾期和办结率；“趋势”按月显示签收、销号用时中位数、办结率和逾期数。',
  async run(ctx) {
    // `/统计 趋势 [单位]` (it refreshes the workdays table, so /统计 is not read-only).
    const { campaign, rest } = campaignOption(ctx.args);
    const [sub, ...more] = words(rest);
    if (sub === '趋势' || sub === 'trend') {
      const unit = more.join(' ') || undefined;
      return { card: trendCard(await trendFor(await serviceCtx(ctx), { unit, campaign })) };
    }
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
