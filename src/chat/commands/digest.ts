import { boundedDigestCard } from '../../../cards/digest.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { digestForAsker } from '../../services/digest.js';
import type { CommandSpec } from '../context.js';
import { campaignArg } from '../parse.js';

export const digestCommand: CommandSpec = {
  names: ['周报', 'digest'],
  readOnly: true,
  who: 'staff_or_supervisor',
  usage: '/周报 [议题:<名称>]',
  summary: '立即查看当前议题的本周督办周报（图表、各单位办结率、逾期最久的问题）；定时周报按议题分节。',
  async run(ctx) {
    return {
      card: boundedDigestCard(await digestForAsker(await serviceCtx(ctx), campaignArg(ctx.args))),
    };
  },
};
