import { Hono } from 'hono';
import { ping } from '../db.js';
import type { AppDeps } from '../deps.js';

export function healthRoute(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    const lark = deps.larkConnection?.();
    const extra = lark ? { lark } : {};
    return (await ping(deps.db)) ? c.json({ ok: true, ...extra }) : c.json({ ok: false, ...extra }, 503);
  });
  return app;
}
