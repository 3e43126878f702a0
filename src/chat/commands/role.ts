import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { resolvePerson } from '../../services/people/person-ref.js';
import { grantRole } from '../../services/roles/grant.js';
import type { CommandSpec } from '../context.js';
import { words } from '../parse.js';

// A Map: the word is the user's, and "constructor" must name no role.
const ROLE_NAMES = new Map<string, 'staff' | 'supervisor' | 'admin'>(
  Object.entries({
    督导: 'supervisor',
    督导组成员: 'supervisor',
    supervisor: 'supervisor',
    工作人员: 'staff',
    staff: 'staff',
    管理员: 'admin',
    admin: 'admin',
  }),
);
const LABEL = { staff: '工作人员', supervisor: '督导组成员', admin: '管理员' };

export const roleCommand: CommandSpec = {
  names: ['角色', 'role'],
  who: 'admin',
  usage: '/角色 <督导|工作人员> <人>',
  summary: '授予角色（人员可用 @、邮箱或手机号指定）。',
  example: '/角色 工作人员 zhangsan@example.gov.cn',
  async run(ctx) {
    const [roleWord, ...rest] = words(ctx.args);
    const role = roleWord ? (ROLE_NAMES.get(roleWord.toLowerCase()) ?? ROLE_NAMES.get(roleWord)) : undefined;
    if (!role || !rest.length)
      throw invalid('格式：/角色 <督导|工作人员|管理员> <人>，人员可用 @、邮箱或手机号。');
    const person = await resolvePerson(ctx.tx, ctx.directory, ctx.msg.mentions, rest.join(' '), ctx.now);
    const { granted } = await grantRole(await serviceCtx(ctx), { person, role });
    if (!granted) return { text: `${person.name}已是${LABEL[role]}。` };
    return { text: `已授予${person.name}「${LABEL[role]}」角色。` };
  },
};
