import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import { closest } from '../domain/text.js';
import type { IncomingMessage } from '../lark/payloads.js';
import type { Logger } from '../log.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import { toReply as refusalReply } from '../present/index.js';
import type { Directory } from '../services/directory.js';
import { actorOf, type Role } from '../services/people/read.js';
import { anonymousCommand, handleAnonymous } from './anonymous.js';
import { commandNames, findCommand } from './commands/index.js';
import type { CommandContext, CommandReply } from './context.js';
import { parseCommand } from './parse.js';
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
  // Anonymous feedback and its lookup leave before anyone is looked up or anything about the
  // sender is written; the log action is the same as for any message (docs/decisions/0004-anonymity.md).
  const anon = anonymousOf(msg);
  if (anon) {
    await handleAnonymous(tx, msg, anon, now, deps.config);
    return 'message';
  }
  const parsed = msg.kind === 'text' ? parseCommand(msg.text) : undefined;
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
  let personal = false;
  if (parsed) {
    const spec = findCommand(parsed.name);
    personal = spec?.private === true;
    if (!spec) {
      const near = closest(parsed.name, commandNames());
      reply = {
        text: `未识别的命令「/${quote(parsed.name)}」。${near.length ? `您是否要使用：${near.map((n) => `/${n}`).join('、')}？` : ''}发送 /帮助 查看可用命令。`,
      };
    } else if (!allowed(spec.who, roles)) {
      reply = { text: `「${spec.usage}」仅限${WHO_LABEL[spec.who]}使用。如需开通，请联系管理员。` };
    } else {
      const run = (t: Tx) => spec.run({ ...base, tx: t, args: parsed.rest, rawArgs: parsed.raw });
      reply = await refusable(tx, extra, run, spec.readOnly);
    }
  } else if ((msg.kind === 'image' || msg.kind === 'file') && deps.onAttachment) {
    const onAttachment = deps.onAttachment;
    reply = await refusable(tx, extra, (sp) => onAttachment({ ...base, tx: sp }));
  } else {
    reply = { text: HINT };
  }
  await enqueue(tx, routed(msg, [...toReply(msg, reply), ...extra], personal));
  // One action for every chat message: the log line must not tell an anonymous one apart.
  return 'message';
}

/** An unknown command is quoted to 8 characters at most: it may be someone's text typed without a space. */
function quote(name: string): string {
  const c = [...name];
  return c.length > 8 ? `${c.slice(0, 8).join('')}…` : name;
}

export const PRIVATE_NOTE = '已私信发送，请在与机器人的单聊中查看。';

/**
 * Sensitive answers (a spec marked `private`) asked in a group go to the asker's one-to-one chat,
 * with a short note in the group; everything else replies to the command.
 */
function routed(msg: IncomingMessage, out: OutboxMessage[], personal: boolean): OutboxMessage[] {
  if (msg.chatType === 'p2p' || !personal) return out;
  const to = { type: 'open_id' as const, id: msg.senderOpenId };
  let moved = false;
  const direct = out.map((m): OutboxMessage => {
    if (!('replyTo' in m) || m.replyTo.messageId !== msg.messageId) return m;
    moved = true;
    const { replyTo: _replyTo, ...rest } = m;
    return { ...rest, to };
  });
  if (!moved) return out;
  const note: OutboxMessage = {
    msgType: 'text',
    content: { text: PRIVATE_NOTE },
    purpose: 'reply',
    replyTo: { messageId: msg.messageId, chatId: msg.chatId },
  };
  return [...direct, note];
}

/**
 * Runs a handler in a savepoint: a refused action (DomainError, or input of the wrong shape)
 * rolls back whatever it wrote and queued, and answers with the reason (src/present); the
 * event itself stays recorded.
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
    const text = refusalReply(e);
    if (text === undefined) throw e;
    extra.length = mark;
    return { text };
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

function anonymousOf(msg: IncomingMessage) {
  return msg.kind === 'text' ? anonymousCommand(msg.text, (n) => findCommand(n) !== undefined) : undefined;
}

/**
 * True for /匿名反馈, /反馈查询 and near misses of them: their sender must not be looked up at all
 * and their event id is kept only as a keyed hash (docs/decisions/0004-anonymity.md).
 */
export function isAnonymousMessage(msg: IncomingMessage): boolean {
  return anonymousOf(msg) !== undefined;
}
