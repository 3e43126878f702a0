import { ACTION, parseValue } from '../../cards/actions.js';
import { ballotCastCard } from '../../cards/ballot.js';
import { reinspectionCard } from '../../cards/evaluation.js';
import { serviceCtx } from '../services/ctx-from.js';
import { castChatBallot } from '../services/evaluation/cast-chat-ballot.js';
import { confirmItem } from '../services/evaluation/confirm-item.js';
import { type Decided, unitView } from '../services/evaluation/reinspection.js';
import { reopenFormView } from '../services/evaluation/reopen-form.js';
import { reopenItem } from '../services/evaluation/reopen-item.js';
import type { ActionContext, ActionHandler, ActionResult } from './context.js';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

async function afterDecision(ctx: ActionContext, d: Decided): Promise<ActionResult> {
  return {
    toast: { type: 'success', content: d.message },
    card: reinspectionCard(await unitView(ctx.tx, d.evaluation, d.unitId)),
  };
}

/** Button values name the vote or the item only; who may act is decided again by the services. */
export const evaluationActions: Record<string, ActionHandler> = {
  /**
   * The ballot's 提交. The answer says it counted and shows no choice: the clicked card is
   * replaced by a thank-you (nothing about the ballot goes through the outbox).
   */
  [ACTION.ballot]: async (ctx) => {
    const { eid } = parseValue(ACTION.ballot, ctx.value);
    const e = await castChatBallot(ctx.tx, {
      evaluationId: eid,
      voter: { openId: ctx.actor.openId, name: ctx.actor.name },
      form: ctx.formValue,
      now: ctx.now,
      timezone: ctx.config.timezone,
    });
    return {
      toast: { type: 'success', content: '投票成功，感谢参与。', en: 'Your ballot was counted.' },
      card: ballotCastCard(e.name),
    };
  },
  [ACTION.reinspectionConfirm]: async (ctx) =>
    afterDecision(
      ctx,
      await confirmItem(await serviceCtx(ctx), {
        itemId: parseValue(ACTION.reinspectionConfirm, ctx.value).iid,
        clickedMessageId: ctx.messageId,
      }),
    ),
  [ACTION.reinspectionForm]: async (ctx) => {
    const view = await reopenFormView(await serviceCtx(ctx), {
      itemId: parseValue(ACTION.reinspectionForm, ctx.value).iid,
    });
    return {
      toast: { type: 'info', content: '请填写新的整改期限和理由后提交' },
      card: reinspectionCard(view),
    };
  },
  [ACTION.reinspectionReopen]: async (ctx) =>
    afterDecision(
      ctx,
      await reopenItem(await serviceCtx(ctx), {
        itemId: parseValue(ACTION.reinspectionReopen, ctx.value).iid,
        deadline: str(ctx.formValue.new_deadline),
        reason: ctx.formValue.reason,
        clickedMessageId: ctx.messageId,
      }),
    ),
};
