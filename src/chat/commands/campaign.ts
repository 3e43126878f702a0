import { CAMPAIGN_STATE_LABEL, parseCategoryList } from '../../domain/campaign.js';
import { invalid } from '../../domain/errors.js';
import { archiveCampaign } from '../../services/campaigns/archive.js';
import { createCampaign } from '../../services/campaigns/create.js';
import { allCampaigns, currentCampaign } from '../../services/campaigns/read.js';
import { restoreCampaign } from '../../services/campaigns/restore.js';
import { setDefaultCampaign } from '../../services/campaigns/set-default.js';
import { switchCampaign } from '../../services/campaigns/switch.js';
import { serviceCtx } from '../../services/ctx-from.js';
import type { CommandContext, CommandReply, CommandSpec } from '../context.js';
import { words } from '../parse.js';

const FORMS = [
  '/议题 新建 <名称> [类型:专项评议|代表建议|执法检查|其他] [年度:YYYY] [类别:a,b,c]',
  '/议题 列表',
  '/议题 切换 <名称>',
  '/议题 默认 <名称>（管理员）',
  '/议题 归档 <名称> [强制]',
  '/议题 恢复 <名称>',
];
const usage = () => `格式：\n${FORMS.join('\n')}`;
const is = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.toLowerCase());

/** `类型:…`, `年度:…`, `类别:…` (either colon) apart from the name's words. */
function options(tokens: string[]): { name: string; kind?: string; year?: string; categories?: string[] } {
  const rest: string[] = [];
  const o: { kind?: string; year?: string; categories?: string[] } = {};
  for (const t of tokens) {
    const m = /^(类型|年度|类别)[:：](.*)$/.exec(t);
    if (!m) rest.push(t);
    else if (m[1] === '类型') o.kind = m[2]!.trim();
    else if (m[1] === '年度') o.year = m[2]!.trim();
    else o.categories = parseCategoryList(m[2]!);
  }
  return { name: rest.join(' '), ...o };
}

async function list(ctx: CommandContext): Promise<CommandReply> {
  const [all, mine] = [await allCampaigns(ctx.tx), await currentCampaign(ctx.tx, ctx.actor.openId)];
  const lines = [`议题共 ${all.length} 个：`];
  all.forEach((c, i) => {
    const marks = [c.isDefault ? '默认' : '', c.id === mine.id ? '当前' : ''].filter(Boolean).join('、');
    lines.push(
      `${i + 1}. ${c.name}（${c.kind}，${c.year}年度，${CAMPAIGN_STATE_LABEL[c.state]}）${marks ? `【${marks}】` : ''}　类别：${c.categories.join('、')}`,
    );
  });
  lines.push('切换：/议题 切换 <名称>');
  return { text: lines.join('\n') };
}

export const campaignCommand: CommandSpec = {
  names: ['议题', 'campaign'],
  who: 'staff',
  usage: '/议题 新建|列表|切换|默认|归档|恢复 …',
  summary:
    '管理监督议题：每个议题有自己的问题清单、类别、督导组、测评和回头看；各命令默认作用于您当前的议题。',
  example: '/议题 新建 2027年代表建议办理 类型:代表建议 年度:2027',
  async run(ctx) {
    const [sub, ...rest] = words(ctx.args);
    if (!sub || is(sub, '列表', 'list')) return list(ctx);
    const s = await serviceCtx(ctx);
    if (is(sub, '新建', 'new')) {
      const o = options(rest);
      if (!o.name) throw invalid(usage());
      const { campaign: c, created } = await createCampaign(s, o);
      return {
        text: created
          ? `已新建议题「${c.name}」（${c.kind}，${c.year}年度），类别：${c.categories.join('、')}。发送 /议题 切换 ${c.name} 在该议题下工作。`
          : `议题「${c.name}」已存在。`,
      };
    }
    const force = rest.at(-1) === '强制';
    const name = (force ? rest.slice(0, -1) : rest).join(' ');
    if (is(sub, '切换', 'switch')) {
      const c = await switchCampaign(s, { name });
      return { text: `已切换到议题「${c.name}」。此后 /交办、/清单、/统计 等命令作用于该议题。` };
    }
    if (is(sub, '默认', 'default')) {
      const { campaign: c, already } = await setDefaultCampaign(s, { name });
      return {
        text: already
          ? `议题「${c.name}」已是默认议题。`
          : `已将「${c.name}」设为默认议题：未切换议题的人员今后在该议题下工作。`,
      };
    }
    if (is(sub, '归档', 'archive')) {
      const { campaign: c, already, openLeft } = await archiveCampaign(s, { name, force });
      return {
        text: already
          ? `议题「${c.name}」已归档。`
          : `已归档议题「${c.name}」：不再催办，也不能新增问题${openLeft ? `；${openLeft} 件未办结的问题保留原状，只能查看` : ''}；/查看、/导出 和公开页面照常可用。如需恢复，发送 /议题 恢复 ${c.name}。`,
      };
    }
    if (is(sub, '恢复', 'restore')) {
      const { campaign: c, already } = await restoreCampaign(s, { name });
      return {
        text: already
          ? `议题「${c.name}」未归档，无需恢复。`
          : `已恢复议题「${c.name}」：可继续交办和办理，催办照常进行。`,
      };
    }
    throw invalid(usage());
  },
};
