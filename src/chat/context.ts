import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import type { IncomingMessage } from '../lark/payloads.js';
import type { Logger } from '../log.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import type { Actor } from '../services/context.js';
import type { Directory } from '../services/directory.js';

/** What a command handler may use. It runs inside the event's transaction. */
export interface CommandContext {
  tx: Tx;
  msg: IncomingMessage;
  actor: Actor;
  args: string;
  /** The arguments exactly as typed (free text: titles, descriptions, feedback). */
  rawArgs: string;
  now: Date;
  config: Config;
  directory: Directory;
  log: Logger;
  /** Queue another outgoing message (beyond the reply) in this transaction. */
  send(m: OutboxMessage): void;
}

/**
 * A command's answer, sent as a reply to the command's message. A card about one problem
 * names it and its audience, so the reply is patched (rebuilt for them) when the problem changes.
 */
export type CommandReply =
  | { text: string }
  | { card: unknown; problemId?: number; audience?: string }
  | { none: true };

export interface CommandSpec {
  /** Chinese name first, then English; all equal. */
  names: string[];
  /** Who may use it, for /帮助 and for the permission check. */
  who: 'anyone' | 'staff' | 'admin' | 'staff_or_supervisor';
  usage: string;
  summary: string;
  /** It writes nothing: runs without a savepoint (two round trips less on the webhook's path). */
  readOnly?: boolean;
  /** Sensitive: asked in a group, answered in the asker's one-to-one chat (docs/decisions/0004-anonymity.md). */
  private?: boolean;
  example?: string;
  run(ctx: CommandContext): Promise<CommandReply>;
}
