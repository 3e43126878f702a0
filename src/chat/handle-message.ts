import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import { DomainError, isValidationError } from '../domain/errors.js';
import type { Directory } from '../lark/directory.js';
import type { IncomingMessage } from '../lark/payloads.js';
import type { Logger } from '../log.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import { actorOf, type Role } from '../services/people.js';
import { ANONYMOUS_NAMES, handleAnonymous } from './anonymous.js';
import { commandNames, findCommand } from './commands/index.js';
import type { CommandContext, CommandReply } from './context.js';
import { closest, parseCommand } from './parse.js';
import { allowed, WHO_LABEL } from './permissions.js';

export interface MessageDeps {
  config: Config;
  directory: Directory;
  log: Logger;
  /** Handles an image or file that is not a command (evidence, spreadsheet import). */
  onAttachment?: (ctx: Omit<CommandContext, 'args' | 'rawArgs'>) => Promise<CommandReply>;
}

export const HINT = '您好，我是督办助手。发送 /帮助 查看可用命令。';

/** Routes one incoming message inside the intake transaction; the reply goes to the outbox. */
export async function handleMessage(
  deps: MessageDeps,
  tx: Tx,
  msg: IncomingMessage,
  now: Date,
  /** The sender, when the intake already read them (never for anonymous feedback). */
  known?: { name: string; roles: Set<Role> },
): Promise<string> {
  const parsed = msg.kind === 'text' ? parseCommand(msg.text) : undefined;
  // Anonymous feedback leaves before anyone is looked up or anything about the sender is written.
  if (parsed && ANONYMOUS_NAMES.has(parsed.name))
    return handleAnonymous(tx, msg, parsed.raw, now, deps.config.timezone);
  const extra: OutboxMessage[] = [];
  const { name, roles } =
    known ?? (await actorOf(tx, deps.directory, msg.senderOpenId, deps.config.adminOpenIds, now));
  const base = {
    tx,
    msg,
    actor: { openId: msg.senderOpenId, name, roles },
    now,
    config: deps.config,
    directory: deps.directory,
    log: deps.log,
    send: (m: OutboxMessage) => void extra.push(m),
  };
  let reply: CommandReply;
  let action = 'message';
  if (parsed) {
    const spec = findCommand(parsed.name);
    action = `command:${spec?.names[0] ?? 'unknown'}`;
    if (!spec) {
      const near = closest(parsed.name, commandNames());
      reply = {
        text: `未识别的命令「/${parsed.name}」。${near.length ? `您是否要使用：${near.map((n) => `/${n}`).join('、')}？` : ''}发送 /帮助 查看可用命令。`,
      };
    } else if (!allowed(spec.who, roles)) {
      reply = { text: `「${spec.usage}」仅限${WHO_LABEL[spec.who]}使用。如需开通，请联系管理员。` };
    } else {
      const run = (t: Tx) => spec.run({ ...base, tx: t, args: parsed.rest, rawArgs: parsed.raw });
      reply = await refusable(tx, extra, run, spec.readOnly);
    }
  } else if ((msg.kind === 'image' || msg.kind === 'file') && deps.onAttachment) {
    action = 'attachment';
    const onAttachment = deps.onAttachment;
    reply = await refusable(tx, extra, (sp) => onAttachment({ ...base, tx: sp }));
  } else {
    reply = { text: HINT };
  }
  await enqueue(tx, [...toReply(msg, reply), ...extra]);
  return action;
}

/**
 * Runs a handler in a savepoint: a refused action (DomainError) rolls back whatever it
 * wrote and queued, and answers with the reason; the event itself stays recorded.
 */
async function refusable(
  tx: Tx,
  extra: OutboxMessage[],
  fn: (sp: Tx) => Promise<CommandReply>,
  readOnly = false,
): Promise<CommandReply> {
  const mark = extra.length;
  try {
    // A command that writes nothing needs no savepoint to roll back to.
    return await (readOnly ? fn(tx) : tx.transaction(fn));
  } catch (e) {
    if (e instanceof DomainError) {
      extra.length = mark;
      return { text: e.message };
    }
    if (isValidationError(e)) {
      extra.length = mark;
      return { text: '命令内容格式有误，请发送 /帮助 查看正确格式。' };
    }
    throw e;
  }
}

export function toReply(msg: IncomingMessage, reply: CommandReply): OutboxMessage[] {
  if ('none' in reply) return [];
  const replyTo = {
    messageId: msg.messageId,
    chatId: msg.chatId,
    p2pWith: msg.chatType === 'p2p' ? msg.senderOpenId : undefined,
  };
  if ('text' in reply) return [{ msgType: 'text', content: { text: reply.text }, purpose: 'reply', replyTo }];
  return [
    {
      msgType: 'interactive',
      content: reply.card,
      // A /查看 card (it names its problem) is kept true by refreshCopies, with its history.
      purpose: reply.problemId ? 'show' : 'reply',
      replyTo,
      problemId: reply.problemId,
      audience: reply.audience,
    },
  ];
}

/** True for /匿名反馈: its sender must not be looked up at all (docs/decisions/0004-anonymity.md). */
export function isAnonymousMessage(msg: IncomingMessage): boolean {
  const parsed = msg.kind === 'text' ? parseCommand(msg.text) : undefined;
  return parsed !== undefined && ANONYMOUS_NAMES.has(parsed.name);
}
