import { triageCard } from '../../../cards/feedback.js';
import { invalid } from '../../domain/errors.js';
import { triageCampaigns } from '../../services/campaigns/read.js';
import { pendingFeedback } from '../../services/feedback/read.js';
import { allUnits } from '../../services/units/read.js';
import type { CommandSpec } from '../context.js';

/**
 * /匿名反馈 and /反馈查询 are handled before anyone is looked up (src/chat/anonymous.ts); these
 * entries only list them in /帮助 and the command table.
 */
export const anonymousCommand: CommandSpec = {
  names: ['匿名反馈', 'anonymous'],
  who: 'anyone',
  usage: '/匿名反馈 <内容>',
  summary: '匿名反映营商环境问题（仅限与机器人单聊）。系统不记录您的身份，将回复回执码供查询。',
  example: '/匿名反馈 某窗口办理营业执照要求重复提交材料',
  async run() {
    throw invalid('匿名反馈请在与机器人的单聊中发送。');
  },
};

export const feedbackLookupCommand: CommandSpec = {
  names: ['反馈查询', 'receipt'],
  readOnly: true,
  who: 'anyone',
  usage: '/反馈查询 <回执码> [满意|基本满意|不满意 [意见]]',
  summary:
    '凭回执码查询匿名反馈的办理情况；问题办结后，可凭回执码评价办理结果（仅限与机器人单聊；也可在网页查询）。',
  async run() {
    throw invalid('回执码请在与机器人的单聊中查询。');
  },
};

export const triageCommand: CommandSpec = {
  names: ['线索', 'leads'],
  private: true,
  who: 'staff',
  usage: '/线索',
  summary: '查看待处理的匿名反馈，转为问题或不予采纳。',
  async run(ctx) {
    const items = await pendingFeedback(ctx.tx, 10);
    if (!items.length) return { text: '暂无待处理的匿名反馈。' };
    const names = (await allUnits(ctx.tx)).map((u) => u.name);
    const into = await triageCampaigns(ctx.tx, ctx.actor.openId);
    for (const f of items.slice(1))
      ctx.send({
        msgType: 'interactive',
        content: triageCard(f, names, into),
        purpose: 'triage',
        to: { type: 'open_id', id: ctx.actor.openId },
      });
    return { card: triageCard(items[0]!, names, into) };
  },
};
