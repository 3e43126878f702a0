import { invalid } from '../../domain/errors.js';
import type { IssueRequest } from '../../services/documents/issue.js';
import type { CommandContext } from '../context.js';
import { words } from '../parse.js';

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

/** The words of a command with its `议题:<名称>` taken out (the campaign it acts on; else the asker's current one). */
export function campaignOption(args: string): { campaign?: string; rest: string[] } {
  let campaign: string | undefined;
  const rest: string[] = [];
  for (const w of words(args)) {
    const m = /^议题:(.*)$/.exec(w);
    if (!m) rest.push(w);
    else if (campaign !== undefined) throw invalid('只能指定一个议题。');
    else if (!m[1]) throw invalid('请在“议题:”后写议题名称，如 议题:2026年优化营商环境专项工作评议');
    else campaign = m[1];
  }
  return { campaign, rest };
}
