import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { issueNotice } from '../../services/documents/notice.js';
import type { CommandSpec } from '../context.js';
import { words } from '../parse.js';

/**
 * `/通知书 <编号>`: the 督办通知书 as a .docx file message. Asked in a group, the file goes to the
 * asker one-to-one and the group sees only a short note (the document names units and contacts).
 */
export const noticeCommand: CommandSpec = {
  names: ['通知书', 'notice'],
  who: 'staff_or_supervisor',
  usage: '/通知书 <编号>',
  summary: '生成该问题的督办通知书（Word 文件，含文号），发送给您本人。',
  example: '/通知书 DB-2026-007',
  async run(ctx) {
    const [code, ...extra] = words(ctx.args);
    if (!code || extra.length) throw invalid('格式：/通知书 <编号>，如 /通知书 DB-2026-007');
    const inGroup = ctx.msg.chatType === 'group';
    const to = inGroup
      ? ({ type: 'open_id', id: ctx.actor.openId } as const)
      : { replyTo: { messageId: ctx.msg.messageId, chatId: ctx.msg.chatId } };
    const issued = await issueNotice(await serviceCtx(ctx), code, to);
    if (inGroup) return { text: `督办通知书（${issued.docNumber}）已单独发送给您。` };
    return { none: true };
  },
};
