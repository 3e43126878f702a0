import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import type { Env } from './app-env.js';
import { handleCardAction } from './card-action.js';
import { openLarkRequest } from './intake.js';

/** POST /lark/cards: card.action.trigger callbacks; the answer carries a toast and the updated card. */
export function larkCardsRoute(deps: AppDeps) {
  const app = new Hono<Env>();
  app.post('/', async (c) => {
    const opened = await openLarkRequest(c, deps.config);
    if ('answer' in opened) return opened.answer;
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
