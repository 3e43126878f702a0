import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { safeEqual } from '../lark/verify.js';
import { toHttp } from '../present/index.js';

const JobRequest = z.object({ at: z.iso.datetime({ offset: true }).optional() });

/**
 * POST /internal/jobs/:name — lets `npm run job` act through the running service when the
 * embedded database is held by it. Guarded by the secret in DATA_DIR/duban.lock, which only
 * a local user who can read the data directory has.
 */
export function internalRoute(deps: AppDeps) {
  const app = new Hono();
  app.post('/jobs/:name', async (c) => {
    const secret = c.req.header('x-duban-local-secret') ?? '';
    if (!deps.localSecret || !deps.runJob || !safeEqual(secret, deps.localSecret))
      return c.json({ msg: 'forbidden' }, 403);
    const body = JobRequest.safeParse(await c.req.json().catch(() => ({})));
    if (!body.success) return c.json({ msg: 'at must be an ISO-8601 time' }, 400);
    try {
      const result = await deps.runJob(
        c.req.param('name'),
        body.data.at ? new Date(body.data.at) : deps.clock(),
      );
      return c.json({ ok: true, result });
    } catch (e) {
      // An unknown job name is a 404 (runJob throws not_found); a failing job is a fault: a
      // generic 500, its details only in the log (runJob logs it).
      const { status, body: answer } = toHttp(e);
      return c.json({ ok: false, ...answer }, status);
    }
  });
  return app;
}
