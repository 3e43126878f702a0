import { z } from 'zod';
import { LIST_PAGE_ACTION, listCard } from '../../cards/list.js';
import { serviceCtx } from '../services/ctx-from.js';
import { parseStateFilter } from '../services/problem-filter.js';
import { listProblems } from '../services/queries.js';
import type { ActionHandler } from './context.js';

/** The 上一页 / 下一页 buttons carry filters only; listProblems checks again who sees what. */
const PageValue = z.object({
  u: z.coerce.number().int().positive().optional(),
  s: z.string().optional(),
  page: z.coerce.number().int().min(1).max(10_000),
});

export const listActions: Record<string, ActionHandler> = {
  [LIST_PAGE_ACTION]: async (ctx) => {
    const v = PageValue.parse(ctx.value);
    const state = v.s ? parseStateFilter(v.s) : undefined;
    const view = await listProblems(await serviceCtx(ctx), { unitId: v.u, state, page: v.page });
    return { toast: { type: 'info', content: `第 ${view.page}/${view.pages} 页` }, card: listCard(view) };
  },
};
