import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/deps.js';
import { internalRoute } from '../../src/http/internal.js';
import { type JobDeps, runJob } from '../../src/jobs/index.js';
import { FAULT_TEXT } from '../../src/present/index.js';

const SECRET = 'local-secret';

/** The route with a job runner: the real runJob refuses an unknown name before it uses its deps. */
function route(run: AppDeps['runJob']) {
  const deps = { localSecret: SECRET, runJob: run, clock: () => new Date('2026-03-02T01:00:00Z') };
  return internalRoute(deps as AppDeps);
}

const post = (app: ReturnType<typeof route>, name: string, secret = SECRET) =>
  app.request(`/jobs/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-duban-local-secret': secret },
    body: '{}',
  });

describe('POST /internal/jobs/:name', () => {
  it('refuses without the local secret', async () => {
    const r = await post(
      route(async () => 'ran'),
      'digest',
      'wrong',
    );
    expect(r.status).toBe(403);
  });

  it('answers 404 for an unknown job name', async () => {
    const r = await post(
      route((name, at) => runJob({} as JobDeps, name, at)),
      'no-such-job',
    );
    expect(r.status).toBe(404);
    const body = (await r.json()) as { ok: boolean; msg: string };
    expect(body.ok).toBe(false);
    expect(body.msg).toContain('no-such-job');
  });

  it('answers a generic 500 for a failing job, without its message', async () => {
    const r = await post(
      route(async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
      }),
      'digest',
    );
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(JSON.parse(text)).toEqual({ ok: false, msg: FAULT_TEXT });
    expect(text).not.toContain('ECONNREFUSED');
  });

  it('runs a job and returns its result', async () => {
    const r = await post(
      route(async (name) => ({ ran: name })),
      'digest',
    );
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, result: { ran: 'digest' } });
  });
});
