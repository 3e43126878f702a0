import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { resolvePerson } from '../../services/people/person-ref.js';
import { addContact } from '../../services/units/add-contact.js';
import { addUnit } from '../../services/units/add-unit.js';
import { displayName, listUnits } from '../../services/units/read.js';
import { removeContact } from '../../services/units/remove-contact.js';
import type { CommandSpec } from '../context.js';
import { words } from '../parse.js';

export const unitCommand: CommandSpec = {
  names: ['单位', 'unit'],
  who: 'staff',
  usage: '/单位 添加 <名称> [简称:<简称>] [别名:<别名>,<别名>] · /单位 列表',
  summary: '管理承办单位。',
  example: '/单位 添加 市科学技术和经济信息化局 简称:市科经局',
  async run(ctx) {
    const [sub, ...rest] = words(ctx.args);
    if (sub === '添加' || sub === 'add') {
      const text = rest.join(' ');
      const short = /简称:(\S+)/.exec(text)?.[1] ?? /short:(\S+)/i.exec(text)?.[1];
      const aliases = /别名:(\S+)/.exec(text)?.[1]?.split(',') ?? [];
      const name = text.replace(/(简称|别名|short):\S+/gi, '').trim();
      const { unit, created } = await addUnit(await serviceCtx(ctx), { name, shortName: short, aliases });
      return {
        text: created
          ? `已添加单位：${displayName(unit)}。可用 /联络员 添加 ${unit.shortName ?? unit.name} <人> 设置联络员。`
          : `单位「${unit.name}」已存在。`,
      };
    }
    if (sub === '列表' || sub === 'list' || !sub) {
      const list = await listUnits(ctx.tx);
      if (!list.length) return { text: '尚无承办单位。用 /单位 添加 <名称> 添加。' };
      return {
        text: [
          `承办单位共 ${list.length} 个：`,
          ...list.map(
            ({ unit, contacts }, i) =>
              `${i + 1}. ${displayName(unit)}　联络员：${contacts.join('、') || '未设置'}`,
          ),
        ].join('\n'),
      };
    }
    throw invalid('格式：/单位 添加 <名称> [简称:<简称>]，或 /单位 列表');
  },
};

export const contactCommand: CommandSpec = {
  names: ['联络员', 'contact'],
  who: 'staff',
  usage: '/联络员 添加 <单位> <人> · /联络员 移除 <单位> <人>',
  summary: '设置单位联络员（人员可用 @、邮箱或手机号）；新联络员会收到该单位未办结的问题。',
  example: '/联络员 添加 市人社局 lisi@example.gov.cn',
  async run(ctx) {
    const [sub, unit, ...who] = words(ctx.args);
    if (!sub || !unit || !who.length || !['添加', 'add', '移除', 'remove'].includes(sub))
      throw invalid('格式：/联络员 添加 <单位> <人> 或 /联络员 移除 <单位> <人>（人员可用 @、邮箱或手机号）');
    const person = await resolvePerson(ctx.tx, ctx.directory, ctx.msg.mentions, who.join(' '), ctx.now);
    const s = await serviceCtx(ctx);
    if (sub === '移除' || sub === 'remove') {
      const u = await removeContact(s, { unit, person });
      return { text: `已将${person.name}从${u.name}联络员中移除。` };
    }
    const r = await addContact(s, { unit, person });
    if (r.already) return { text: `${person.name}已是${r.unit.name}的联络员。` };
    return {
      text: `已设置${person.name}为${r.unit.name}联络员${r.handedOver ? `，并向其补发该单位未办结的问题 ${r.handedOver} 件` : ''}。`,
    };
  },
};
