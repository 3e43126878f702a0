import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import type { Env } from './app-env.js';
import { handleCardAction } from './card-action.js';
import { openRequest } from './intake.js';

/** POST /lark/cards: card.action.trigger callbacks; the answer carries a toast and the updated card. */
export function larkCardsRoute(deps: AppDeps) {
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
    if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
    c.set('eventId', opened.envelope.header.event_id);
    if (opened.envelope.header.event_type !== 'card.action.trigger') {
      c.set('outcome', 'refused:not_card_action');
      return c.json({ msg: 'only card.action.trigger is accepted here' }, 400);
    }
    const r = await handleCardAction(deps, opened.envelope);
    c.set('action', r.action);
    return c.json(r.body as object, r.status);
  });
  return app;
}
