import { assignFormCard } from '../../../cards/assign.js';
import { todayIn } from '../../domain/dates.js';
import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { assignProblem, targetCampaign } from '../../services/problems/assign.js';
import { raiserFromText } from '../../services/problems/raiser.js';
import { allUnits } from '../../services/units/read.js';
import type { CommandSpec } from '../context.js';
import { campaignArg } from '../parse.js';
import { parseAssignArgs } from '../parse-assign.js';

export const USAGE =
  '/交办 <标题> 单位:<牵头单位> [配合:<单位>,<单位>] 期限:<YYYY-MM-DD 或 N个工作日> [类别:<议题的类别之一>] [时效:立行立改|长期整改] [议题:<名称>] [提出人:<人或代表姓名>] [描述:<文字>]';

export const assignCommand: CommandSpec = {
  names: ['交办', 'assign'],
  who: 'staff',
  usage: '/交办',
  summary: '交办问题。不带参数时发送填写表单；也可一次写全。',
  example:
    '/交办 企业开办材料重复提交 单位:市政数局 配合:市市场监管局 期限:2026-12-31 类别:政务服务环境 时效:立行立改',
  async run(ctx) {
    if (!ctx.args || /^(?:议题|campaign)[:：]\S+$/i.test(ctx.args)) {
      const units = await allUnits(ctx.tx);
      if (!units.length) return { text: '尚无承办单位。请先用 /单位 添加 <名称> [简称:<简称>] 添加单位。' };
      const campaign = await targetCampaign(await serviceCtx(ctx), { campaign: campaignArg(ctx.args) });
      return {
        card: assignFormCard(
          units.map((u) => u.name),
          todayIn(ctx.now, ctx.config.timezone),
          campaign,
        ),
      };
    }
    const { input, missing, raiserText } = parseAssignArgs(ctx.rawArgs);
    if (missing.length) throw invalid(`缺少${missing.join('、')}。格式：${USAGE}`);
    if (raiserText !== undefined)
      input.raiser = await raiserFromText(ctx.tx, ctx.directory, ctx.msg.mentions, raiserText, ctx.now);
    const r = await assignProblem(await serviceCtx(ctx), input);
    const lines = [
      `已交办 ${r.problem.code}「${r.problem.title}」，牵头单位：${r.leadUnit.name}${r.coUnits.length ? `，配合单位：${r.coUnits.map((u) => u.name).join('、')}` : ''}。`,
    ];
    lines.push(`议题：${r.campaign.name}`);
    if (r.problem.raiserKind)
      lines.push(
        `提出人：${r.problem.raiserKind === 'deputy' ? `人大代表${r.problem.raiserName}` : r.problem.raiserName}（办结后回访）`,
      );
    if (r.warnings.length) lines.push(...r.warnings.map((w) => `注意：${w}`));
    return { text: lines.join('\n') };
  },
};
