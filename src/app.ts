import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { AppDeps } from './deps.js';
import { registerFeatures } from './features.js';
import type { Env } from './http/app-env.js';
import { healthRoute } from './http/health.js';
import { internalRoute } from './http/internal.js';
import { larkCardsRoute } from './http/lark-cards.js';
import { larkEventsRoute } from './http/lark-events.js';
import { countWebhookIntake, metricsRoute } from './http/metrics.js';

/** createApp(deps): middleware and route mounting; no runtime or driver is named here. */
export function createApp(deps: AppDeps) {
  const features = registerFeatures(deps);
  const app = new Hono<Env>();

  // One JSON line per request: id, event id, action, outcome, duration. Never bodies or tokens.
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('requestId', c.req.header('x-request-id') ?? randomUUID());
    await next();
    deps.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        eventId: c.get('eventId'),
        action: c.get('action'),
        outcome: c.get('outcome') ?? (c.res.status < 400 ? 'ok' : 'error'),
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });

  app.onError((err, c) => {
    deps.log.error(
      { requestId: c.get('requestId'), eventId: c.get('eventId'), err: err.message, stack: err.stack },
      'unhandled',
    );
    // A 5xx makes Lark redeliver the event; nothing was committed, so the retry starts clean.
    return c.json({ msg: '服务暂时不可用，请稍后重试', requestId: c.get('requestId') }, 500);
  });

  app.route('/healthz', healthRoute(deps));
  app.use('/lark/*', countWebhookIntake(deps));
  app.route('/metrics', metricsRoute(deps));
  app.route('/lark/events', larkEventsRoute(deps, features.onAttachment));
  app.route('/lark/cards', larkCardsRoute(deps));
  app.route('/internal', internalRoute(deps));
  for (const [path, route] of features.routes) app.route(path, route);
  app.notFound((c) => c.json({ msg: 'not found' }, 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
