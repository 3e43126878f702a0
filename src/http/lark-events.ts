import { Hono } from 'hono';
import { handleMessage, isAnonymousMessage } from '../chat/handle-message.js';
import type { Tx } from '../db.js';
import type { AppDeps } from '../deps.js';
import { MessageReceive, toIncoming } from '../lark/payloads.js';
import { processOnce } from '../services/intake.js';
import { actorOf } from '../services/people.js';
import type { Env } from './app-env.js';
import { handleCardAction } from './card-action.js';
import { openRequest } from './intake.js';

/** POST /lark/events: url_verification, im.message.receive_v1, card.action.trigger and other events. */
export function larkEventsRoute(
  deps: AppDeps,
  extra: Parameters<typeof handleMessage>[0]['onAttachment'] = undefined,
) {
  const app = new Hono<Env>();
  app.post('/', async (c) => {
    const opened = await openRequest(
      c,
      { encryptKey: deps.config.encryptKey, verificationToken: deps.config.verificationToken },
      Date.now(),
    );
    if (opened.kind === 'refused') {
      c.set('outcome', `refused:${opened.reason}`);
      return c.json({ msg: 'refused' }, opened.status);
    }
    if (opened.kind === 'challenge') {
      c.set('outcome', 'challenge');
      return c.json({ challenge: opened.challenge });
    }
    const env = opened.envelope;
    c.set('eventId', env.header.event_id);
    if (env.header.event_type === 'card.action.trigger') {
      const r = await handleCardAction(deps, env);
      c.set('action', r.action);
      return c.json(r.body as object, r.status);
    }
    if (env.header.event_type === 'im.message.receive_v1') {
      const m = MessageReceive.safeParse(env.event);
      if (!m.success) {
        c.set('outcome', 'refused:bad_message');
        return c.json({ msg: 'bad message payload' }, 400);
      }
      const incoming = toIncoming(env.header.event_id, m.data, deps.botOpenId());
      if (!incoming || m.data.sender.sender_type !== 'user') {
        // Nothing we act on (a bot's message, an unreadable content): remember it, answer 200.
        await processOnce(deps.db, env.header.event_id, 'ignored', async () => undefined);
        c.set('action', 'ignored');
        return c.json({});
      }
      const now = deps.clock();
      // The 200 goes out only after the event's effects are committed; a failure is a 500 and Lark retries.
      const md = { config: deps.config, directory: deps.directory, log: deps.log, onAttachment: extra };
      // The sender is read together with the event-id insert — except for anonymous feedback,
      // whose sender is never looked up.
      const prefetch = isAnonymousMessage(incoming)
        ? undefined
        : (tx: Tx) => actorOf(tx, deps.directory, incoming.senderOpenId, deps.config.adminOpenIds, now);
      const r = await processOnce(
        deps.db,
        env.header.event_id,
        'message',
        (tx, known) => handleMessage(md, tx, incoming, now, known),
        prefetch,
      );
      c.set('action', r.duplicate ? 'duplicate' : r.value);
      if (!r.duplicate) deps.kick();
      return c.json({});
    }
    await processOnce(deps.db, env.header.event_id, env.header.event_type, async () => undefined);
    c.set('action', `event:${env.header.event_type}`);
    return c.json({});
  });
  return app;
}
