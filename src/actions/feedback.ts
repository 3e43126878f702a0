import { ACTION, parseValue } from '../../cards/actions.js';
import { serviceCtx } from '../services/ctx-from.js';
import { convertFeedback } from '../services/feedback/convert.js';
import { dismissFeedback } from '../services/feedback/dismiss.js';
import type { ActionHandler } from './context.js';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export const feedbackActions: Record<string, ActionHandler> = {
  /** 转为问题 (staff, re-checked in the service). */
  [ACTION.feedbackConvert]: async (ctx) => {
    const { fid } = parseValue(ACTION.feedbackConvert, ctx.value);
    const f = ctx.formValue;
    const r = await convertFeedback(await serviceCtx(ctx), {
      id: fid,
      title: str(f.title),
      leadUnit: str(f.lead_unit),
      deadline: str(f.deadline),
      category: str(f.category) || undefined,
      timeliness: str(f.timeliness) || undefined,
      publicTitle: str(f.public_title) || undefined,
      ...(str(f.campaign) ? { campaignId: Number(str(f.campaign)) } : {}),
    });
    const text = `已将匿名反馈 #${fid.slice(0, 8)} 转为问题 ${r.problem.code}，交办${r.leadUnit.name}（议题：${r.campaign.name}）。${r.warnings.join('')}`;
    return {
      toast: { type: 'success', content: `已转为 ${r.problem.code}` },
      card: {
        schema: '2.0',
        config: { update_multi: true },
        header: {
          template: 'green',
          title: { tag: 'plain_text', content: `匿名反馈 #${fid.slice(0, 8)} 已转为问题` },
        },
        body: { elements: [{ tag: 'div', text: { tag: 'plain_text', content: text } }] },
      },
    };
  },
  /** 不予采纳, with a reason the submitter will read with their receipt code. */
  [ACTION.feedbackDismiss]: async (ctx) => {
    const { fid } = parseValue(ACTION.feedbackDismiss, ctx.value);
    await dismissFeedback(await serviceCtx(ctx), { id: fid, reason: ctx.formValue.reason });
    return {
      toast: { type: 'success', content: '已标记为不予采纳' },
      card: {
        schema: '2.0',
        config: { update_multi: true },
        header: {
          template: 'grey',
          title: { tag: 'plain_text', content: `匿名反馈 #${fid.slice(0, 8)} 未予采纳` },
        },
        body: {
          elements: [
            { tag: 'div', text: { tag: 'plain_text', content: `理由：${str(ctx.formValue.reason)}` } },
          ],
        },
      },
    };
  },
};
