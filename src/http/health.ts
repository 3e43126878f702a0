import { Hono } from 'hono';
import { ping } from '../db.js';
import type { AppDeps } from '../deps.js';

export function healthRoute(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => ((await ping(deps.db)) ? c.json({ ok: true }) : c.json({ ok: false }, 503)));
  return app;
}
