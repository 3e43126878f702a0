import * as lark from '@larksuiteoapi/node-sdk';
import type { AppDeps } from '../deps.js';
import { handleEnvelope, type OnAttachment } from '../http/handle-envelope.js';
import { observeIntake } from '../http/metrics-figures.js';
import type { Logger } from '../log.js';
import { Envelope } from './payloads.js';

/** What arrives on the long connection, and how it reaches handleEnvelope (docs/decisions/0011-long-connection.md). */

interface FrameLike {
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

/** The SDK's own logger interface, onto ours: its lines carry frame ids, never payloads. */
export function sdkLogger(log: Logger) {
  const text = (a: unknown[]) => a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ');
  return {
    error: (...a: unknown[]) => log.warn({ component: 'lark-ws' }, text(a)),
    warn: (...a: unknown[]) => log.warn({ component: 'lark-ws' }, text(a)),
    info: (...a: unknown[]) => log.info({ component: 'lark-ws' }, text(a)),
    debug: (...a: unknown[]) => log.debug({ component: 'lark-ws' }, text(a)),
    trace: (...a: unknown[]) => log.trace({ component: 'lark-ws' }, text(a)),
  };
}

/** Hands every dispatched envelope to us instead of the SDK's handler table. */
export class EnvelopeDispatcher extends lark.EventDispatcher {
  constructor(
    private readonly onEnvelope: (data: unknown) => Promise<unknown>,
    logger: ReturnType<typeof sdkLogger>,
  ) {
    super({ logger, loggerLevel: lark.LoggerLevel.warn });
  }
  override invoke(data: unknown): Promise<unknown> {
    return this.onEnvelope(data);
  }
}

/** One envelope from the connection, handled like a webhook request; the result is the ack's data. */
export function envelopeHandler(deps: AppDeps, onAttachment: OnAttachment) {
  const log = deps.log;
  return async (data: unknown): Promise<unknown> => {
    const started = performance.now();
    const parsed = Envelope.safeParse(data);
    if (!parsed.success) {
      observeIntake(deps, 'websocket', 'event', 'refused');
      log.warn({ transport: 'ws', outcome: 'refused:bad_envelope' }, 'long connection');
      return undefined; // acknowledged: delivering it again would not make it readable
    }
    const env = parsed.data;
    const isCard = env.header.event_type === 'card.action.trigger';
    const kind = isCard ? 'card' : 'event';
    try {
      const r = await handleEnvelope(deps, env, onAttachment);
      const outcome = r.outcome ?? (r.status < 400 ? 'ok' : 'error');
      observeIntake(deps, 'websocket', kind, r.status >= 400 ? 'refused' : r.action);
      log.info(
        {
          transport: 'ws',
          eventId: env.header.event_id,
          action: r.action,
          outcome,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'long connection',
      );
      // A card callback's answer (toast and card) travels back in the ack's data.
      return isCard && r.status === 200 ? r.body : undefined;
    } catch (e) {
      observeIntake(deps, 'websocket', kind, 'error');
      log.error(
        { transport: 'ws', eventId: env.header.event_id, err: e },
        'long connection: handler failed; Lark will deliver again',
      );
      throw e; // the SDK answers code 500; nothing was committed
    }
  };
}

const headerOf = (f: FrameLike, key: string) => f.headers.find((h) => h.key === key)?.value;

/**
 * Wraps the SDK's data-frame handler on this one client: it only dispatches `type=event`, drops
 * `type=card` (how card callbacks may arrive) and unknown types without an ack, and would hand us
 * any payload size. Card frames go through the event path; the rest is logged and acknowledged.
 */
export function guardFrames(client: lark.WSClient, log: Logger, maxBytes: number): boolean {
  const inner = Reflect.get(client, 'handleEventData') as unknown;
  const send = Reflect.get(client, 'sendMessage') as unknown;
  if (typeof inner !== 'function' || typeof send !== 'function') {
    log.warn({ component: 'lark-ws' }, 'SDK internals changed: card frames are not routed');
    return false;
  }
  const ack = (f: FrameLike) =>
    send.call(client, {
      ...f,
      headers: [...f.headers, { key: 'biz_rt', value: '0' }],
      payload: new TextEncoder().encode(JSON.stringify({ code: 200 })),
    });
  const wrapped = async (f: FrameLike) => {
    const type = headerOf(f, 'type');
    const frameLog = { component: 'lark-ws', messageId: headerOf(f, 'message_id') };
    if (type !== 'event' && type !== 'card') {
      log.warn({ ...frameLog, type: String(type).slice(0, 40) }, 'long connection: unknown frame type');
      return ack(f);
    }
    const size = (f.payload?.byteLength ?? 0) * Math.max(1, Number(headerOf(f, 'sum')) || 1);
    if (size > maxBytes) {
      log.warn({ ...frameLog, bytes: size }, 'long connection: payload too large, not handled');
      return ack(f);
    }
    if (headerOf(f, 'sum') === '1' && !parsesAsJson(f.payload)) {
      log.warn(frameLog, 'long connection: payload is not JSON');
      return ack(f);
    }
    const asEvent =
      type === 'card'
        ? { ...f, headers: f.headers.map((h) => (h.key === 'type' ? { key: 'type', value: 'event' } : h)) }
        : f;
    return (inner as (f: FrameLike) => Promise<void>).call(client, asEvent);
  };
  Reflect.set(client, 'handleEventData', wrapped);
  return true;
}

function parsesAsJson(p: Uint8Array | undefined): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(p ?? new Uint8Array()));
    return true;
  } catch {
    return false;
  }
}
