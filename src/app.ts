import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { onAttachment } from './chat/attachments.js';
import type { AppDeps } from './deps.js';
import type { Env } from './http/app-env.js';
import { ballotRoute } from './http/ballot.js';
import { formBodyLimit, larkBodyLimit } from './http/body-limits.js';
import { feedbackRoute } from './http/feedback.js';
import { healthRoute } from './http/health.js';
import { internalRoute } from './http/internal.js';
import { larkCardsRoute } from './http/lark-cards.js';
import { larkEventsRoute } from './http/lark-events.js';
import { countWebhookIntake, metricsRoute } from './http/metrics.js';
import { publicRoute } from './http/public.js';
import { revisitRoute } from './http/revisit.js';
import { HTML_ROUTES, securityHeaders } from './http/security-headers.js';
import { counters } from './log.js';
import { toHttp } from './present/index.js';

/** createApp(deps): middleware and every route; no runtime or driver is named here. */
export function createApp(deps: AppDeps) {
  const app = new Hono<Env>();

  // One JSON line per request: id, action, outcome, duration. Never bodies or tokens, and no event
  // id: it would tell an anonymous message's line from the rest (docs/decisions/0004-anonymity.md).
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('requestId', c.req.header('x-request-id') ?? randomUUID());
    await next();
    // The anonymous web form's POST: counted, never logged (its exact second joins a proxy's IP log).
    if (c.req.method === 'POST' && c.req.path === '/feedback') {
      counters.feedbackFormPosts++;
      return;
    }
    deps.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        action: c.get('action'),
        outcome: c.get('outcome') ?? (c.res.status < 400 ? 'ok' : 'error'),
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });

  app.onError((err, c) => {
    // `err` goes through safeError (src/log.ts): SQL state and statement, never query parameters.
    deps.log.error({ requestId: c.get('requestId'), err }, 'unhandled');
    // A 5xx makes Lark redeliver the event; nothing was committed, so the retry starts clean.
    const { status, body } = toHttp(err);
    return c.json({ ...body, requestId: c.get('requestId') }, status);
  });

  // 413 before an oversize body is read (src/http/body-limits.ts).
  app.use('/lark/*', larkBodyLimit());
  for (const p of ['/feedback', '/feedback/*', '/ballot', '/ballot/*', '/revisit', '/revisit/*'])
    app.use(p, formBodyLimit());
  for (const p of HTML_ROUTES) app.use(p, securityHeaders(deps.config.publicBaseUrl));
  app.route('/healthz', healthRoute(deps));
  app.use('/lark/*', countWebhookIntake(deps));
  app.route('/metrics', metricsRoute(deps));
  // Images and files sent to the bot: a spreadsheet import from staff, else evidence.
  app.route('/lark/events', larkEventsRoute(deps, onAttachment(deps.files)));
  app.route('/lark/cards', larkCardsRoute(deps));
  app.route('/internal', internalRoute(deps));
  app.route('/feedback', feedbackRoute(deps));
  app.route('/ballot', ballotRoute(deps));
  app.route('/revisit', revisitRoute(deps));
  app.route('/public', publicRoute(deps));
  app.notFound((c) => c.json({ msg: 'not found' }, 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
