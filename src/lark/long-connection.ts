import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import type { AppDeps } from '../deps.js';
import type { OnAttachment } from '../http/handle-envelope.js';
import { EnvelopeDispatcher, envelopeHandler, guardFrames, sdkLogger } from './long-connection-frames.js';

/**
 * LARK_EVENT_MODE=websocket: events and card callbacks arrive over the SDK's WSClient (an
 * outbound WebSocket, so the service needs no public address) and go to the same handleEnvelope
 * as the webhook. The SDK acknowledges a frame once our handler resolves, that is after the
 * commit; a handler error answers code 500 and Lark delivers again. The SDK stops for good on
 * some endpoint codes and on state 'failed': this supervisor starts it again, with backoff, forever.
 * See docs/decisions/0011-long-connection.md.
 */

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';
export interface LinkStatus {
  state: LinkState;
  /** ISO time of the last change of state. */
  since: string;
}

export interface LongConnectionOptions {
  /** Seconds without any inbound frame after a ping before the socket is presumed dead (15–30). */
  pingTimeoutSec?: number;
  /** Our restart backoff after the SDK gives up (fatal endpoint codes, state 'failed'). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** How often the supervisor looks at the SDK's state. */
  watchMs?: number;
  /** A reconnect loop that has not connected for this long is restarted from scratch. */
  stuckMs?: number;
  /** Payloads above this are logged and acknowledged, not handled. */
  maxPayloadBytes?: number;
}

export interface LongConnection {
  status(): LinkStatus;
  stop(): Promise<void>;
}

const DEFAULTS: Required<LongConnectionOptions> = {
  pingTimeoutSec: 20,
  backoffMinMs: 1_000,
  backoffMaxMs: 60_000,
  watchMs: 5_000,
  stuckMs: 10 * 60_000,
  maxPayloadBytes: 1024 * 1024,
};

export function startLongConnection(
  deps: AppDeps,
  lk: NonNullable<Config['lark']>,
  onAttachment: OnAttachment,
  opts: LongConnectionOptions = {},
): LongConnection {
  const o = { ...DEFAULTS, ...opts };
  const log = deps.log.child({ component: 'lark-ws' });
  let status: LinkStatus = { state: 'connecting', since: new Date().toISOString() };
  const set = (state: LinkState, extra: object = {}) => {
    if (status.state === state) return;
    status = { state, since: new Date().toISOString() };
    log.info({ state, ...extra }, 'long connection state');
  };
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const logger = sdkLogger(deps.log);
  const dispatcher = new EnvelopeDispatcher(envelopeHandler(deps, onAttachment), logger);
  const client = new lark.WSClient({
    appId: lk.appId,
    appSecret: lk.appSecret,
    domain: lk.baseUrl,
    logger,
    loggerLevel: lark.LoggerLevel.info,
    wsConfig: { pingTimeout: o.pingTimeoutSec },
    handshakeTimeoutMs: 15_000,
    onReady: () => connected(),
    onReconnected: () => connected(),
    onReconnecting: () => set('reconnecting'),
    onError: (e) => restartLater(e.message),
  });
  guardFrames(client, deps.log, o.maxPayloadBytes);

  function connected() {
    failures = 0;
    set('connected');
  }
  function restartLater(reason: string) {
    if (stopped || restartTimer) return;
    const base = Math.min(o.backoffMaxMs, o.backoffMinMs * 2 ** Math.min(failures, 20));
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    failures++;
    set('reconnecting');
    log.warn({ reason: reason.slice(0, 200), delayMs: delay, failures }, 'long connection: restarting');
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopped) return;
      client.close({ force: true });
      void client.start({ eventDispatcher: dispatcher });
    }, delay);
  }

  // The SDK reports most of its transitions through the callbacks above; this catches the rest
  // (a 'failed' without onError, a reconnect loop that never ends).
  let notConnectedSince = Date.now();
  const watch = setInterval(() => {
    if (stopped) return;
    const sdk = client.getConnectionStatus().state;
    if (sdk === 'connected') {
      notConnectedSince = Date.now();
      if (status.state !== 'connected') connected();
      return;
    }
    if (sdk === 'failed') return restartLater('state failed');
    if (status.state === 'connected') set('reconnecting');
    if (Date.now() - notConnectedSince > o.stuckMs) {
      notConnectedSince = Date.now();
      restartLater(`not connected for ${o.stuckMs} ms`);
    }
  }, o.watchMs);
  watch.unref();

  void client.start({ eventDispatcher: dispatcher });
  return {
    status: () => status,
    async stop() {
      stopped = true;
      clearInterval(watch);
      if (restartTimer) clearTimeout(restartTimer);
      client.close({ force: true });
      set('stopped');
    },
  };
}
