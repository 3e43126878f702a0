/**
 * The long-connection (长连接) side of the fake Lark: the endpoint the SDK's WSClient asks for a
 * socket URL (POST /callback/ws/endpoint) and the WebSocket server it then connects to. Frames are
 * protobuf `pbbp2.Frame`s, as the SDK encodes them (its generated codec is not exported, so the
 * schema is declared here and compiled by protobufjs). See docs/decisions/0011-long-connection.md.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Long from 'long';
import protobuf from 'protobufjs';
import { type WebSocket, WebSocketServer } from 'ws';

const SCHEMA = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payloadEncoding = 6;
  optional string payloadType = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;
/**
 * protobufjs needs `long` (its own dependency) to resolve uint64 fields, while the SDK sets
 * `util.Long = undefined` on the shared instance so that it reads plain numbers. Resolve and
 * compile our schema with Long present, then leave the setting as we found it.
 */
function compileFrame(): protobuf.Type {
  const before = protobuf.util.Long;
  protobuf.util.Long = Long;
  try {
    const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
    root.resolveAll();
    return root.lookupType('pbbp2.Frame').setup();
  } finally {
    protobuf.util.Long = before;
  }
}
const Frame = compileFrame();

const SERVICE_ID = 7;

/** Frame.method: 0 control (ping/pong), 1 data (events, callbacks and their acks). */
export const FrameMethod = { control: 0, data: 1 } as const;
export interface FrameInit {
  SeqID?: number;
  LogID?: number;
  service?: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}
export interface DecodedFrame extends FrameInit {
  headers: { key: string; value: string }[];
}
export const encodeFrame = (f: FrameInit): Uint8Array =>
  Frame.encode(Frame.fromObject({ SeqID: 0, LogID: 0, service: SERVICE_ID, ...f })).finish();
export const decodeFrame = (b: Uint8Array): DecodedFrame =>
  Frame.toObject(Frame.decode(b), { longs: Number, defaults: true }) as DecodedFrame;
const header = (f: DecodedFrame, key: string) => f.headers.find((h) => h.key === key)?.value;

/** What the client answered to a data frame: {code} plus, for callbacks, the decoded `data`. */
export interface Ack {
  code: number;
  data?: unknown;
  headers: Record<string, string>;
}

export interface FakeLarkWs {
  /** The ws:// address the endpoint hands out. */
  url: string;
  /** POST /callback/ws/endpoint, as fake-lark.ts routes it. */
  endpoint(body: Record<string, unknown>): { status: number; body: unknown };
  /** Answer the endpoint request with `code` for `ms` (1, 403, 514, 1000040350 are fatal to the SDK). */
  refuse(code: number, ms: number): void;
  /** Endpoint requests so far, and how many were refused. */
  endpointCalls: { at: number; code: number }[];
  pings: number;
  /** Connections accepted so far (a reconnect adds one). */
  accepted: number;
  connections(): number;
  waitForConnection(timeoutMs?: number): Promise<void>;
  /**
   * Push one envelope as a data frame (`type` header event or card) and resolve with the client's
   * ack. `fragments` splits the payload over several frames, as Lark does for large ones;
   * `raw` sends those bytes as the payload instead of the envelope.
   */
  push(
    envelope: unknown,
    o?: { type?: string; messageId?: string; fragments?: number; timeoutMs?: number; raw?: Uint8Array },
  ): Promise<Ack>;
  /** Send bytes as they are (malformed frames). */
  sendRaw(bytes: Uint8Array): void;
  sendFrame(frame: FrameInit): void;
  /** Close every connection from the server side, as a network drop or a Lark restart would. */
  drop(): void;
  close(): Promise<void>;
}

interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/** The endpoint's success answer: a socket URL for this fake and the client config. */
function endpointAnswer(url: string, clientConfig: ClientConfig) {
  const device = randomBytes(6).toString('hex');
  return {
    status: 200,
    body: {
      code: 0,
      msg: 'ok',
      data: {
        URL: `${url}?fpid=1&device_id=${device}&service_id=${SERVICE_ID}&access_key=${randomBytes(8).toString('hex')}`,
        ClientConfig: clientConfig,
      },
    },
  };
}

/** Fragment i of n of a pushed event or card callback. */
function dataFrame(
  type: string,
  messageId: string,
  n: number,
  i: number,
  bytes: Buffer,
  size: number,
): FrameInit {
  return {
    method: FrameMethod.data,
    headers: [
      { key: 'type', value: type },
      { key: 'message_id', value: messageId },
      { key: 'sum', value: String(n) },
      { key: 'seq', value: String(i) },
      { key: 'trace_id', value: randomBytes(4).toString('hex') },
    ],
    payload: bytes.subarray(i * size, (i + 1) * size),
  };
}

/** A client frame: a ping is answered with a pong carrying the config; an ack settles its push. */
function onFrame(
  api: FakeLarkWs,
  waiting: Map<string, (a: Ack) => void>,
  clientConfig: ClientConfig,
  s: WebSocket,
  f: DecodedFrame,
): void {
  if (f.method === FrameMethod.control && header(f, 'type') === 'ping') {
    api.pings++;
    s.send(
      encodeFrame({
        method: FrameMethod.control,
        headers: [{ key: 'type', value: 'pong' }],
        payload: Buffer.from(JSON.stringify(clientConfig)),
      }),
    );
    return;
  }
  const id = header(f, 'message_id');
  const resolve = id ? waiting.get(id) : undefined;
  if (!id || !resolve) return;
  waiting.delete(id);
  const body = JSON.parse(Buffer.from(f.payload ?? []).toString('utf8')) as {
    code: number;
    data?: string;
  };
  resolve({
    code: body.code,
    data: body.data ? JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) : undefined,
    headers: Object.fromEntries(f.headers.map((h) => [h.key, h.value])),
  });
}

export async function startFakeLarkWs(o: {
  appId: string;
  appSecret: string;
  /** ClientConfig handed to the client, in seconds (Lark's defaults are 120 / 120 / 30). */
  pingInterval?: number;
  reconnectInterval?: number;
  reconnectNonce?: number;
}): Promise<FakeLarkWs> {
  const clientConfig: ClientConfig = {
    PingInterval: o.pingInterval ?? 1,
    ReconnectCount: -1,
    ReconnectInterval: o.reconnectInterval ?? 0.2,
    ReconnectNonce: o.reconnectNonce ?? 0.1,
  };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
  const sockets = new Set<WebSocket>();
  const waiting = new Map<string, (a: Ack) => void>();
  const onConnect: (() => void)[] = [];
  let refusal: { code: number; until: number } | undefined;
  let seq = 0;

  const api: FakeLarkWs = {
    url,
    endpointCalls: [],
    pings: 0,
    accepted: 0,
    endpoint(body) {
      const now = Date.now();
      let code = 0;
      if (refusal && now < refusal.until) code = refusal.code;
      else if (body.AppID !== o.appId || body.AppSecret !== o.appSecret) code = 514;
      api.endpointCalls.push({ at: now, code });
      if (code) return { status: 200, body: { code, msg: `refused (${code})`, data: {} } };
      return endpointAnswer(url, clientConfig);
    },
    refuse(code, ms) {
      refusal = { code, until: Date.now() + ms };
    },
    connections: () => [...sockets].filter((s) => s.readyState === s.OPEN).length,
    waitForConnection(timeoutMs = 10_000) {
      if (api.connections() > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no long connection arrived')), timeoutMs);
        onConnect.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    push(envelope, p = {}) {
      const messageId = p.messageId ?? `msg_${++seq}_${randomBytes(4).toString('hex')}`;
      const bytes = Buffer.from(p.raw ?? JSON.stringify(envelope));
      const n = Math.max(1, p.fragments ?? 1);
      const size = Math.ceil(bytes.length / n);
      const acked = new Promise<Ack>((resolve, reject) => {
        const t = setTimeout(() => {
          waiting.delete(messageId);
          reject(new Error(`no ack for ${messageId}`));
        }, p.timeoutMs ?? 5000);
        waiting.set(messageId, (a) => {
          clearTimeout(t);
          resolve(a);
        });
      });
      for (let i = 0; i < n; i++) api.sendFrame(dataFrame(p.type ?? 'event', messageId, n, i, bytes, size));
      return acked;
    },
    sendRaw(bytes) {
      for (const s of sockets) if (s.readyState === s.OPEN) s.send(bytes);
    },
    sendFrame(frame) {
      api.sendRaw(encodeFrame(frame));
    },
    drop() {
      for (const s of sockets) s.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close(() => resolve());
      }),
  };

  wss.on('connection', (s) => {
    api.accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => sockets.delete(s));
    s.on('message', (data: Buffer) => {
      try {
        onFrame(api, waiting, clientConfig, s, decodeFrame(data));
      } catch {
        // A frame the fake cannot read is the client's bug; the test sees the missing ack.
      }
    });
    for (const f of onConnect.splice(0)) f();
  });
  return api;
}
