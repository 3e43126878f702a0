import { z } from 'zod';
import {
  NOTICE_CANCEL_ACTION,
  NOTICE_CONFIRM_ACTION,
  noticeCancelledCard,
  noticeImportedCard,
} from '../../cards/calendar.js';
import { cancelDraft } from '../services/calendar/cancel-draft.js';
import { confirmDraft } from '../services/calendar/confirm-draft.js';
import { serviceCtx } from '../services/ctx-from.js';
import type { ActionHandler } from './context.js';

/** The button names a draft only; confirmDraft and cancelDraft check again that the clicker is an admin. */
const DraftValue = z.object({ id: z.string().min(1).max(64) });

export const calendarActions: Record<string, ActionHandler> = {
  [NOTICE_CONFIRM_ACTION]: async (ctx) => {
    const { id } = DraftValue.parse(ctx.value);
    const r = await confirmDraft(await serviceCtx(ctx), { id });
    return {
      toast: {
        type: 'success',
        content: `已导入 ${r.year} 年节假日安排`,
        en: `${r.year} holiday schedule imported`,
      },
      card: noticeImportedCard(r, ctx.actor.name),
    };
  },
  [NOTICE_CANCEL_ACTION]: async (ctx) => {
    const { id } = DraftValue.parse(ctx.value);
    const r = await cancelDraft(await serviceCtx(ctx), { id });
    return {
      toast: { type: 'info', content: '已取消导入，日历未作改动' },
      card: noticeCancelledCard(r.year, ctx.actor.name),
    };
  },
};
