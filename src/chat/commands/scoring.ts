import { scoresCard } from '../../../cards/scoring.js';
import { invalid } from '../../domain/errors.js';
import { weightsText } from '../../domain/scoring.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { exportScores } from '../../services/scoring/export.js';
import { campaignScores } from '../../services/scoring/scores.js';
import { setWeights } from '../../services/scoring/set-weights.js';
import type { CommandContext, CommandReply, CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';
import { fileTarget } from './doc-target.js';

const FORM = '格式：/考核 [议题:名称]，/考核 权重 签收:20 办结:40 逾期:20 退回:10 满意:10，/考核 导出';

/** `/考核 导出`: the workbook, to the asker one-to-one when asked in a group. */
async function exportReply(ctx: CommandContext, campaign?: string): Promise<CommandReply> {
  const r = await exportScores(await serviceCtx(ctx), campaign);
  const { to, inGroup } = fileTarget(ctx);
  const file = {
    msgType: 'file' as const,
    content: {},
    purpose: 'score_export',
    file: { name: r.fileName, bytes: r.bytes },
  };
  ctx.send('replyTo' in to ? { ...file, replyTo: to.replyTo } : { ...file, to });
  return inGroup ? { text: `「${r.campaign.name}」考核明细已单独发送给您。` } : { none: true };
}

/**
 * `/考核`: units' 考核 scores in the asker's current campaign (or `议题:名称`); `权重 …` (admins)
 * sets the campaign's weights; `导出` sends the raw facts behind every number as a workbook.
 */
export const scoringCommand: CommandSpec = {
  names: ['考核', 'score'],
  who: 'staff_or_supervisor',
  usage: '/考核 [权重 …|导出] [议题:名称]',
  summary:
    '各单位考核得分排名（签收、办结、逾期、退回、满意五项加权），附计算方法；“权重”由管理员设置，“导出”发送明细 Excel。',
  example: '/考核 权重 签收:20 办结:40 逾期:20 退回:10 满意:10',
  async run(ctx) {
    const { campaign, rest: restText } = campaignOption(ctx.args);
    const rest = words(restText);
    const [sub, ...more] = rest;
    if (sub === '权重') {
      if (!more.length) throw invalid(`请写出五项权重，合计 100。${FORM}`);
      const r = await setWeights(await serviceCtx(ctx), { text: more.join(' '), campaign });
      return {
        text: `已设置「${r.campaign.name}」的考核权重：${weightsText(r.weights)}。发送 /考核 查看得分。`,
      };
    }
    if (sub === '导出' || sub === 'export') {
      if (more.length) throw invalid(FORM);
      return exportReply(ctx, campaign);
    }
    if (sub) throw invalid(`无法识别「${sub}」。${FORM}`);
    return { card: scoresCard(await campaignScores(await serviceCtx(ctx), campaign)) };
  },
};
