import { ACTION, parseValue } from '../../cards/actions.js';
import { decidedCard, ratedCard } from '../../cards/revisit.js';
import type { Rating } from '../domain/satisfaction.js';
import { serviceCtx } from '../services/ctx-from.js';
import { explainUnsatisfied } from '../services/revisits/explain.js';
import { rateByCard } from '../services/revisits/rate-by-card.js';
import { redoUnsatisfied } from '../services/revisits/redo.js';
import type { ActionHandler } from './context.js';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Button values name the revisit (and the rating chosen); who may act is decided by the services. */
export const revisitActions: Record<string, ActionHandler> = {
  /** 满意 / 基本满意 / 不满意 on the raiser's card: only the raiser's click counts. */
  [ACTION.revisitRate]: async (ctx) => {
    const { vid, r } = parseValue(ACTION.revisitRate, ctx.value);
    const res = await rateByCard(await serviceCtx(ctx), {
      revisitId: vid,
      rating: r,
      comment: ctx.formValue.comment,
    });
    return {
      toast: { type: 'success', content: '评价已提交，感谢您的反馈。', en: 'Thank you for your rating.' },
      card: ratedCard(res, res.revisit.rating as Rating),
    };
  },
  /** 重办: a new deadline and the reason, told to the unit. */
  [ACTION.revisitRedo]: async (ctx) => {
    const { vid } = parseValue(ACTION.revisitRedo, ctx.value);
    const r = await redoUnsatisfied(await serviceCtx(ctx), {
      revisitId: vid,
      deadline: str(ctx.formValue.new_deadline),
      reason: ctx.formValue.reason,
    });
    return {
      toast: { type: 'success', content: r.message },
      card: decidedCard(r.problem, `已重办：${r.message}`),
    };
  },
  /** 说明理由: recorded and passed to the raiser. */
  [ACTION.revisitExplain]: async (ctx) => {
    const { vid } = parseValue(ACTION.revisitExplain, ctx.value);
    const r = await explainUnsatisfied(await serviceCtx(ctx), {
      revisitId: vid,
      reason: ctx.formValue.reason,
    });
    return {
      toast: { type: 'success', content: r.message },
      card: decidedCard(r, `${r.message}理由：${str(ctx.formValue.reason)}`),
    };
  },
};
