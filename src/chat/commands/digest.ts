import { loadCalendar } from '../../services/calendar/load.js';
import { buildDigest, groupUnitIdsOf } from '../../services/digest.js';
import { isStaff } from '../../services/people/read.js';
import type { CommandSpec } from '../context.js';

export const digestCommand: CommandSpec = {
  names: ['周报', 'digest'],
  readOnly: true,
  who: 'staff_or_supervisor',
  usage: '/周报',
  summary: '立即查看本周督办周报（图表、各单位办结率、逾期最久的问题）。',
  async run(ctx) {
    const calendar = await loadCalendar(ctx.tx);
    if (isStaff(ctx.actor.roles))
      return {
        card: (
          await buildDigest(ctx.tx, { at: ctx.now, config: ctx.config, calendar, scope: '全部承办单位' })
        ).card,
      };
    const unitIds = await groupUnitIdsOf(ctx.tx, ctx.actor.openId);
    const scope = unitIds.length ? '您所在督导组联系的单位' : '全部承办单位';
    return {
      card: (
        await buildDigest(ctx.tx, {
          at: ctx.now,
          config: ctx.config,
          calendar,
          unitIds: unitIds.length ? unitIds : undefined,
          scope,
        })
      ).card,
    };
  },
};
