import type { ActionContext, ActionResult } from '../actions/context.js';
import { actionFor } from '../actions/index.js';
import type { AppDeps } from '../deps.js';
import { CardAction, type Envelope } from '../lark/payloads.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import { refusalOf, STALE_BUTTON_TOAST, toToast } from '../present/index.js';
import { processOnce } from '../services/intake.js';
import { prepareDirectory, withLookups } from '../services/lookups.js';
import { resolveName, rolesOf } from '../services/people/read.js';

export interface CardResponse {
  toast: { type: string; content: string; i18n?: Record<string, string> };
  card?: { type: 'raw'; data: unknown };
}

function toastOf(r: ActionResult): CardResponse {
  return {
    toast: {
      type: r.toast.type,
      content: r.toast.content,
      i18n: { zh_cn: r.toast.content, ...(r.toast.en ? { en_us: r.toast.en } : {}) },
    },
    ...(r.card ? { card: { type: 'raw' as const, data: r.card } } : {}),
  };
}

/** A verified callback the domain refused: only its id is recorded, in its own statement. */
async function recordRefused(deps: AppDeps, eventId: string): Promise<void> {
  await processOnce(deps.db, eventId, 'card:refused', async () => undefined);
}

/**
 * Decides a card click in the request (Lark never redelivers callbacks and the clicker waits):
 * one transaction for the event id, the change, the audit row and the outbox rows. A refused
 * action answers 200 with an error toast and changes nothing; its event id alone is kept (after
 * the rollback), so a replay of the same callback within Lark's 12 h is answered as a duplicate.
 */
export async function handleCardAction(
  deps: AppDeps,
  env: Envelope,
): Promise<{ status: 200 | 400; body: unknown; action: string }> {
  const parsed = CardAction.safeParse(env.event);
  if (!parsed.success)
    return { status: 400, body: { msg: 'bad card action payload' }, action: 'card:invalid' };
  const a = parsed.data;
  const name = typeof a.action.value.action === 'string' ? a.action.value.action : '';
  const handler = actionFor(name);
  const action = `card:${name || 'unknown'}`;
  if (!handler) {
    await recordRefused(deps, env.header.event_id);
    return { status: 200, body: { toast: STALE_BUTTON_TOAST }, action };
  }
  const now = deps.clock();
  // The operator (and anyone a handler names) is looked up with no transaction open.
  const directory = prepareDirectory(deps);
  try {
    const once = () =>
      processOnce(deps.db, env.header.event_id, 'card', async (tx) => {
        const extra: OutboxMessage[] = [];
        const openId = a.operator.open_id;
        const ctx: ActionContext = {
          tx,
          actor: {
            openId,
            name: await resolveName(tx, directory, openId, { now }),
            roles: await rolesOf(tx, openId, deps.config.adminOpenIds),
          },
          value: a.action.value,
          formValue: a.action.form_value ?? {},
          option: a.action.option,
          messageId: a.context.open_message_id,
          chatId: a.context.open_chat_id,
          token: a.token,
          now,
          config: deps.config,
          directory,
          log: deps.log,
          send: (m) => void extra.push(m),
        };
        const result = await handler(ctx);
        await enqueue(tx, extra);
        return result;
      });
    const outcome = await withLookups(directory, once);
    if (outcome.duplicate) {
      return {
        status: 200,
        body: { toast: { type: 'info', content: '该操作已处理，无需重复提交。' } },
        action: `${action}:duplicate`,
      };
    }
    deps.kick();
    return { status: 200, body: toastOf(outcome.value), action };
  } catch (e) {
    // A refusal (a DomainError, or a button value or form field of the wrong shape) changed
    // nothing and answers with a toast; anything else is a fault for app.onError.
    const kind = refusalOf(e);
    const toast = toToast(e);
    if (!kind || !toast) throw e;
    await recordRefused(deps, env.header.event_id);
    return { status: 200, body: { toast } satisfies CardResponse, action: `${action}:${kind}` };
  }
}
