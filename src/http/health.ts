import { Hono } from 'hono';
import { ping } from '../db.js';
import type { AppDeps } from '../deps.js';

/** A database that does not answer within this is as good as down for Lark's 3 s deadline. */
const PING_TIMEOUT_MS = 2_000;

/** 503 when the database is down or does not answer in time, so a balancer stops sending work. */
export function healthRoute(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), PING_TIMEOUT_MS);
    });
    const ok = await Promise.race([ping(deps.db), late]);
    clearTimeout(timer);
    const lark = deps.larkConnection?.();
    const extra = lark ? { lark } : {};
    return ok ? c.json({ ok: true, ...extra }) : c.json({ ok: false, ...extra }, 503);
  });
  return app;
}
