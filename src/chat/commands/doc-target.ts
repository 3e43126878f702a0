import type { IssueRequest } from '../../services/documents/issue.js';
import type { CommandContext } from '../context.js';

/**
 * Where a document or an export goes: asked in a group, to the asker one-to-one (it names units,
 * contacts and scores) with a short note in the group; asked one-to-one, as the reply.
 */
export function fileTarget(ctx: CommandContext): { to: IssueRequest['to']; inGroup: boolean } {
  const inGroup = ctx.msg.chatType === 'group';
  const to = inGroup
    ? ({ type: 'open_id', id: ctx.actor.openId } as const)
    : { replyTo: { messageId: ctx.msg.messageId, chatId: ctx.msg.chatId } };
  return { to, inGroup };
}
