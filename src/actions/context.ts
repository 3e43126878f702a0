import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import type { Logger } from '../log.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import type { Actor } from '../services/context.js';
import type { Directory } from '../services/directory.js';

/** A card click or form submit, after the signature, token and payload checks. */
export interface ActionContext {
  tx: Tx;
  actor: Actor;
  /** The button's callback value: says what was clicked, never who may do it. */
  value: Record<string, unknown>;
  formValue: Record<string, unknown>;
  option?: string;
  messageId?: string;
  chatId?: string;
  /** The callback's update token (delayed card update). */
  token?: string;
  now: Date;
  config: Config;
  directory: Directory;
  log: Logger;
  send(m: OutboxMessage): void;
}

export interface ActionResult {
  toast: { type: 'success' | 'info' | 'warning' | 'error'; content: string; en?: string };
  /** The clicked card's new state. */
  card?: unknown;
}

export type ActionHandler = (ctx: ActionContext) => Promise<ActionResult>;
