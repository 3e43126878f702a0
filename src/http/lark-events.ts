import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import type { Env } from './app-env.js';
import { handleEnvelope, type OnAttachment } from './handle-envelope.js';
import { openLarkRequest } from './intake.js';

/** POST /lark/events: url_verification, im.message.receive_v1, card.action.trigger and other events. */
export function larkEventsRoute(deps: AppDeps, extra: OnAttachment = undefined) {
  const app = new Hono<Env>();
  app.post('/', async (c) => {
    const opened = await openLarkRequest(
      c,
      { encryptKey: deps.config.encryptKey, verificationToken: deps.config.verificationToken },
      { challengeOutcome: 'challenge' },
    );
    if ('answer' in opened) return opened.answer;
    const r = await handleEnvelope(deps, opened.envelope, extra);
    if (r.action) c.set('action', r.action);
    if (r.outcome) c.set('outcome', r.outcome);
    return c.json(r.body, r.status);
  });
  return app;
}
