import { invalid } from '../../domain/errors.js';
import { namedOrCurrent } from '../../services/campaigns/writable.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { addGroup } from '../../services/groups/add-group.js';
import { addMember } from '../../services/groups/add-member.js';
import { assignUnits } from '../../services/groups/assign-units.js';
import { bindChat } from '../../services/groups/bind-chat.js';
import { listGroups } from '../../services/groups/read.js';
import { removeMember } from '../../services/groups/remove-member.js';
import { resolvePerson } from '../../services/people/person-ref.js';
import type { CommandContext, CommandReply, CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';

// Each form takes `议题:<名称>` too; without it, the asker's current campaign.
const FORMS = [
  '/督导组 添加 <名称>',
  '/督导组 成员 <组名> 添加|移除 <人>（人员可用 @、邮箱或手机号）',
  '/督导组 单位 <组名> <单位>[,<单位>…]',
  '/督导组 群聊 <组名> [<chat_id>]（在群聊中 @机器人 发送时可省略 chat_id，绑定当前群）',
  '/督导组 列表',
  '（以上均可加 议题:<名称>，默认为您当前的议题）',
];
const usage = (which?: number) => `格式：${which === undefined ? `\n${FORMS.join('\n')}` : FORMS[which]}`;

const is = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.toLowerCase());

async function list(ctx: CommandContext, named: string | undefined): Promise<CommandReply> {
  const l = await listGroups(ctx.tx, await namedOrCurrent(ctx.tx, ctx.actor.openId, named));
  const head = `议题：${l.campaign.name}`;
  if (!l.groups.length) return { text: `${head}\n该议题尚无督导组。用 /督导组 添加 <名称> 添加。` };
  const lines = [head, `督导组共 ${l.groups.length} 个：`];
  l.groups.forEach(({ group, units, members }, i) => {
    lines.push(
      `${i + 1}. ${group.name}　负责单位：${units.join('、') || '未设置'}　成员：${members.join('、') || '未设置'}　群聊：${group.chatId ?? '未绑定'}`,
    );
  });
  if (l.ungrouped.length) lines.push(`未分组单位（其问题由全体督导组成员审核）：${l.ungrouped.join('、')}`);
  return { text: lines.join('\n') };
}

export const groupCommand: CommandSpec = {
  names: ['督导组', 'group'],
  who: 'staff',
  usage: '/督导组 添加|成员|单位|群聊|列表 …',
  summary: '管理当前议题的督导组：成员（自动成为督导）、负责单位（一个议题中一个单位只属于一个组）、工作群。',
  example: '/督导组 单位 第一督导组 市卫健局,市教育局',
  async run(ctx) {
    const { campaign, rest: args } = campaignOption(ctx.args);
    const [sub, ...rest] = words(args);
    if (!sub || is(sub, '列表', 'list')) return list(ctx, campaign);
    const s = await serviceCtx(ctx);
    if (is(sub, '添加', 'add')) {
      if (!rest.length) throw invalid(usage(0));
      const r = await addGroup(s, { name: rest.join(' '), campaign });
      const g = r.group.name;
      return {
        text: r.created
          ? `已添加督导组「${g}」（议题：${r.campaign.name}）。可用 /督导组 成员 ${g} 添加 <人> 添加成员，/督导组 单位 ${g} <单位> 设置负责单位。`
          : `督导组「${g}」已存在（议题：${r.campaign.name}）。`,
      };
    }
    if (is(sub, '成员', 'member')) {
      const [groupName, verb, ...who] = rest;
      if (!groupName || !who.length || !(is(verb, '添加', 'add') || is(verb, '移除', 'remove')))
        throw invalid(usage(1));
      const person = await resolvePerson(ctx.tx, ctx.directory, ctx.msg.mentions, who.join(' '), ctx.now);
      if (is(verb, '移除', 'remove')) {
        const g = await removeMember(s, { group: groupName, person, campaign });
        return { text: `已将${person.name}移出${g.name}。` };
      }
      const r = await addMember(s, { group: groupName, person, campaign });
      if (r.already) return { text: `${person.name}已是${r.group.name}的成员。` };
      return {
        text: `已将${person.name}加入${r.group.name}${r.granted ? '，并授予「督导组成员」角色' : ''}。`,
      };
    }
    if (is(sub, '单位', 'unit')) {
      const [groupName, ...unitWords] = rest;
      const names = unitWords.join(',').split(',');
      if (!groupName || !unitWords.length) throw invalid(usage(2));
      const r = await assignUnits(s, { group: groupName, units: names, campaign });
      const lines: string[] = [];
      for (const m of r.moved)
        lines.push(
          m.from
            ? `${m.unit.name}：由${m.from}改由${r.group.name}负责`
            : `${m.unit.name}：由${r.group.name}负责`,
        );
      if (r.unchanged.length)
        lines.push(`${r.unchanged.map((u) => u.name).join('、')}：已由${r.group.name}负责，无变化`);
      if (r.problemsMoved) lines.push(`其未办结的 ${r.problemsMoved} 件问题改由${r.group.name}审核。`);
      return { text: `已更新${r.group.name}的负责单位（议题：${r.campaign.name}）：\n${lines.join('\n')}` };
    }
    if (is(sub, '群聊', 'chat')) {
      const [groupName, chatId, ...extra] = rest;
      if (!groupName || extra.length) throw invalid(usage(3));
      const target = chatId ?? (ctx.msg.chatType === 'group' ? ctx.msg.chatId : undefined);
      if (!target)
        throw invalid(
          `请在督导组的工作群中 @机器人 发送 /督导组 群聊 ${groupName}，或写明 chat_id：/督导组 群聊 ${groupName} <chat_id>`,
        );
      const g = await bindChat(s, { group: groupName, chatId: target, campaign });
      return {
        text: `已将${chatId ? `群聊 ${target} ` : '本群'}绑定为${g.name}的工作群，新交办的问题将在此通知。`,
      };
    }
    throw invalid(`未知的子命令「${sub}」。${usage()}`);
  },
};
