import { roles } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import { forbidden, invalid } from '../../domain/errors.js';
import { resolvePerson } from '../../services/person-ref.js';
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
    if (!ctx.actor.roles.has('admin')) throw forbidden('只有管理员可以授予角色。');
    const person = await resolvePerson(ctx.tx, ctx.directory, ctx.msg, rest.join(' '), ctx.now);
    const inserted = await ctx.tx
      .insert(roles)
      .values({ openId: person.openId, role, grantedBy: ctx.actor.openId })
      .onConflictDoNothing()
      .returning();
    if (!inserted.length) return { text: `${person.name}已是${LABEL[role]}。` };
    await appendAudit(ctx.tx, {
      at: ctx.now,
      actorOpenId: ctx.actor.openId,
      actorName: ctx.actor.name,
      action: 'role.granted',
      subjectType: 'person',
      subjectId: person.openId,
      after: { role, name: person.name },
    });
    return { text: `已授予${person.name}「${LABEL[role]}」角色。` };
  },
};
