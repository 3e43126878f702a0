import { verifyAudit } from '../../audit/chain.js';
import { forbidden } from '../../domain/errors.js';
import { isStaff } from '../../services/people/read.js';
import type { CommandSpec } from '../context.js';

export const auditCommand: CommandSpec = {
  names: ['审计', 'audit'],
  private: true,
  readOnly: true,
  who: 'staff',
  usage: '/审计',
  summary: '校验审计日志的哈希链是否完整，显示记录数和当前链头哈希。',
  async run(ctx) {
    if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以校验审计日志。');
    const r = await verifyAudit(ctx.tx);
    if (r.ok) return { text: `审计链完整：共 ${r.rows} 条记录，逐条校验通过。\n当前链头哈希：${r.head}` };
    return {
      text: `⚠ 审计链校验未通过：第 ${r.brokenAt} 条记录处断裂（其内容或前序哈希与链不符，可能被改动或删除）。共 ${r.rows} 条记录；断裂前最后一个可信哈希：${r.head}。请立即联系管理员核查。`,
    };
  },
};
