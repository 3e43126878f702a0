import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppDeps } from '../deps.js';
import type { Env } from './app-env.js';
import { type IntakeKind, intakeCounts, observeIntake, readDbFigures } from './metrics-figures.js';

export { observeIntake } from './metrics-figures.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const digest = (s: string) => createHash('sha256').update(s).digest();

/** METRICS_TOKEN as a bearer token; unset, only a service bound to loopback serves /metrics. */
function allowed(deps: AppDeps, authorization: string | undefined): boolean {
  const token = deps.config.metricsToken;
  if (!token) return LOOPBACK.has(deps.config.host);
  const got = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  return got !== undefined && timingSafeEqual(digest(got), digest(token));
}

/** GET /metrics: Prometheus text format (docs/operations.md lists what to watch). */
export function metricsRoute(deps: AppDeps) {
  const app = new Hono<Env>();
  app.get('/', async (c) => {
    if (!allowed(deps, c.req.header('authorization'))) {
      c.set('outcome', 'refused:metrics_auth');
      return c.json({ msg: 'metrics need METRICS_TOKEN as a bearer token' }, 401);
    }
    // Loaded on first use: the Worker bundle never evaluates it unless scraped.
    const prom = await import('prom-client');
    const registry = new prom.Registry();
    const gauge = (name: string, help: string, labelNames: string[] = []) =>
      new prom.Gauge({ name, help, labelNames, registers: [registry] });
    const events = new prom.Counter({
      name: 'duban_events_total',
      help: 'Lark envelopes handled by this instance, by transport, kind and outcome',
      labelNames: ['transport', 'kind', 'outcome'],
      registers: [registry],
    });
    for (const r of intakeCounts(deps))
      events.inc({ transport: r.transport, kind: r.kind, outcome: r.outcome }, r.n);

    const f = await readDbFigures(deps.db, deps.clock());
    const outbox = gauge(
      'duban_outbox_messages',
      'Outbox rows by status (sent, pending, failed, given_up, local)',
      ['status'],
    );
    for (const r of f.outbox) outbox.set({ status: r.status }, r.n);
    gauge('duban_outbox_depth', 'Outbox rows waiting to be sent').set(
      f.outbox.find((r) => r.status === 'pending')?.n ?? 0,
    );
    gauge('duban_outbox_oldest_pending_seconds', 'Age of the oldest unsent outbox row').set(
      f.outboxOldestPendingSeconds,
    );
    const jobs = gauge('duban_jobs', 'Background job rows by kind and status', ['kind', 'status']);
    for (const r of f.jobs) jobs.set({ kind: r.kind, status: r.status }, r.n);
    gauge('duban_jobs_oldest_pending_seconds', 'Age of the oldest pending job').set(
      f.jobsOldestPendingSeconds,
    );
    gauge('duban_db_ping_seconds', 'Round trip of select 1').set(f.pingSeconds);
    if (f.connections) {
      const conns = gauge('duban_db_connections', 'Server connections to this database, all instances', [
        'state',
      ]);
      for (const r of f.connections) conns.set({ state: r.state }, r.n);
    }
    const link = deps.larkConnection?.();
    if (link) {
      const states = ['connecting', 'connected', 'reconnecting', 'stopped'];
      const g = gauge('duban_lark_connection_state', 'Long connection state (1 for the current one)', [
        'state',
      ]);
      for (const s of states) g.set({ state: s }, s === link.state ? 1 : 0);
      gauge('duban_lark_connection_state_since_seconds', 'Seconds in the current long-connection state').set(
        Math.max(0, (Date.now() - Date.parse(link.since)) / 1000),
      );
    }
    c.header('content-type', registry.contentType);
    return c.body(await registry.metrics());
  });
  return app;
}

/** Counts webhook envelopes by outcome (the long connection counts its own). */
export function countWebhookIntake(deps: AppDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'POST') return;
    if (c.res.status < 400 && !c.get('eventId')) return; // url_verification: not an envelope
    const kind: IntakeKind = c.req.path.startsWith('/lark/cards') ? 'card' : 'event';
    const action = c.res.status >= 500 ? 'error' : c.res.status >= 400 ? 'refused' : c.get('action');
    observeIntake(deps, 'webhook', kind, action);
  };
}
