import { ACTION, parseValue } from '../../cards/actions.js';
import { listCard } from '../../cards/list.js';
import { serviceCtx } from '../services/ctx-from.js';
import { parseStateFilter } from '../services/problem-filter.js';
import { listProblems } from '../services/queries.js';
import type { ActionHandler } from './context.js';

/** The 上一页 / 下一页 buttons carry filters only; listProblems checks again who sees what. */
export const listActions: Record<string, ActionHandler> = {
  [ACTION.listPage]: async (ctx) => {
    const v = parseValue(ACTION.listPage, ctx.value);
    const state = v.s ? parseStateFilter(v.s) : undefined;
    const view = await listProblems(await serviceCtx(ctx), {
      campaignId: v.c,
      unitId: v.u,
      state,
      page: v.page,
    });
    return { toast: { type: 'info', content: `第 ${view.page}/${view.pages} 页` }, card: listCard(view) };
  },
};
