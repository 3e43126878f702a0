import { invalid } from '../../domain/errors.js';
import { REPORT_FORM } from '../../domain/report-period.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { issueReport } from '../../services/documents/report.js';
import { urgeUnit } from '../../services/documents/urge-unit.js';
import type { CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';
import { fileTarget } from './doc-target.js';

/** `/催办 <单位>`: the 催办通知书 of a unit's overdue problems, as a .docx to the asker. */
export const urgeCommand: CommandSpec = {
  names: ['催办', 'urge'],
  who: 'staff',
  usage: '/催办 <单位> [议题:名称]',
  summary: '生成该单位逾期未办结问题的催办通知书（Word 文件，含文号），发送给您本人。',
  example: '/催办 市人社局',
  async run(ctx) {
    const { campaign, rest: restText } = campaignOption(ctx.args);
    const rest = words(restText);
    const { to, inGroup } = fileTarget(ctx);
    const r = await urgeUnit(await serviceCtx(ctx), { unit: rest.join(' '), campaign }, to);
    return inGroup ? { text: `催办通知书（${r.docNumber}）已单独发送给您。` } : { none: true };
  },
};

/** `/通报 [周|月|YYYY-MM]`: the campaign's 通报 as a .docx to the asker. */
export const reportCommand: CommandSpec = {
  names: ['通报', 'report'],
  who: 'staff',
  usage: '/通报 [周|月|YYYY-MM] [议题:名称]',
  summary:
    '生成本议题的通报（Word 文件，含文号）：总体情况、单位考核排名、逾期清单、退回和不满意问题、回头看进展、办结率图表。',
  example: '/通报 2026-11',
  async run(ctx) {
    const { campaign, rest: restText } = campaignOption(ctx.args);
    const rest = words(restText);
    if (rest.length > 1) throw invalid(REPORT_FORM);
    const { to, inGroup } = fileTarget(ctx);
    const r = await issueReport(await serviceCtx(ctx), { period: rest[0], campaign }, to);
    const noChart = r.chart ? '' : '（本运行环境不生成图表，通报中已注明。）';
    if (inGroup) return { text: `通报（${r.docNumber}）已单独发送给您。${noChart}` };
    return noChart ? { text: `通报（${r.docNumber}）已生成。${noChart}` } : { none: true };
  },
};
