import { handleMessage, isAnonymousMessage } from '../chat/handle-message.js';
import type { Tx } from '../db.js';
import type { AppDeps } from '../deps.js';
import { type Envelope, MessageReceive, toIncoming } from '../lark/payloads.js';
import { noDirectory } from '../services/directory.js';
import { anonymousEventId, processOnce } from '../services/intake.js';
import { NeedsLookup, prepareDirectory, withLookups } from '../services/lookups.js';
import { actorOf } from '../services/people/read.js';
import { handleCardAction } from './card-action.js';
import { handleTaskEvent } from './task-event.js';

export type OnAttachment = Parameters<typeof handleMessage>[0]['onAttachment'];

/** What a transport (webhook route or long connection) answers, and what it logs. */
export interface EnvelopeResult {
  status: 200 | 400;
  body: object;
  action?: string;
  outcome?: string;
}

/**
 * One verified, decrypted, parsed envelope (an event or a card callback), handled the same way
 * whichever transport brought it: its effects commit before this resolves, so the transport
 * acknowledges only what is kept. A redelivered event id is processed once.
 */
export async function handleEnvelope(
  deps: AppDeps,
  env: Envelope,
  onAttachment: OnAttachment = undefined,
): Promise<EnvelopeResult> {
  if (env.header.event_type === 'card.action.trigger') {
    const r = await handleCardAction(deps, env);
    return { status: r.status, body: r.body as object, action: r.action };
  }
  if (env.header.event_type === 'im.message.receive_v1') {
    const m = MessageReceive.safeParse(env.event);
    if (!m.success)
      return { status: 400, body: { msg: 'bad message payload' }, outcome: 'refused:bad_message' };
    const incoming = toIncoming(env.header.event_id, m.data, deps.botOpenId());
    if (!incoming || m.data.sender.sender_type !== 'user') {
      // Nothing we act on (a bot's message, an unreadable content): remember it, answer 200.
      await processOnce(deps.db, env.header.event_id, 'ignored', async () => undefined);
      return { status: 200, body: {}, action: 'ignored' };
    }
    const now = deps.clock();
    // Anonymous feedback gets no directory at all: its sender is never looked up, nothing is queued.
    const anonymous = isAnonymousMessage(incoming);
    const directory = anonymous ? undefined : prepareDirectory(deps);
    const md = { config: deps.config, directory: directory ?? noDirectory, log: deps.log, onAttachment };
    // The sender is read together with the event-id insert; one not in the cache is looked up
    // with no transaction open (withLookups), then the event runs again.
    const prefetch = directory
      ? (tx: Tx) =>
          actorOf(tx, directory, incoming.senderOpenId, deps.config.adminOpenIds, now).catch((e: unknown) =>
            e instanceof NeedsLookup ? e : Promise.reject(e),
          )
      : undefined;
    // Anonymous deliveries are deduplicated under a keyed hash of the event id (docs/decisions/0004-anonymity.md).
    const eventId = anonymous
      ? anonymousEventId(env.header.event_id, deps.config.appSecretKey)
      : env.header.event_id;
    const once = () =>
      processOnce(
        deps.db,
        eventId,
        'message',
        (tx, known) => {
          if (known instanceof NeedsLookup) throw known;
          return handleMessage(md, tx, incoming, now, known);
        },
        prefetch,
      );
    const r = directory ? await withLookups(directory, once) : await once();
    if (!r.duplicate) deps.kick();
    return { status: 200, body: {}, action: r.duplicate ? 'duplicate' : r.value };
  }
  if (env.header.event_type === 'task.task.updated_v1') return handleTaskEvent(deps, env);
  await processOnce(deps.db, env.header.event_id, env.header.event_type, async () => undefined);
  return { status: 200, body: {}, action: `event:${env.header.event_type}` };
}
