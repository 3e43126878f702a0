/** Shared state and helpers of the fake Lark: request context, replies, parsing, limits. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FakeLark, FakeMessage, FakeResponse, FakeUser } from './fake-lark-types.js';
import type { FakeLarkWs } from './fake-lark-ws.js';

const MSG_FOR: Record<number, string> = {
  230001: 'Your request contains an invalid request parameter.',
  230002: 'The bot can not be outside the group.',
  230013: 'Bot has NO availability to this user.',
  230029: 'User has resigned.',
  230034: 'The receive_id is invalid.',
  230035: 'Send Message Permission deny.',
  230053: 'The user has stopped the bot from sending messages.',
};

export type Reply = { status: number; body?: unknown; raw?: Buffer; headers?: Record<string, string> };
export interface Ctx {
  method: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  json: Record<string, unknown>;
  params: string[];
}
export type Part = { filename?: string; data: Buffer };

export const ok = (data: unknown): Reply => ({ status: 200, body: { code: 0, msg: 'success', data } });
export const fail = (code: number, msg = MSG_FOR[code] ?? `error ${code}`, status = 400): Reply => ({
  status,
  body: { code, msg },
});
export const HOUR = 3_600_000;
export const MSG_TYPES = new Set(
  'text post image file audio media sticker interactive share_chat share_user'.split(' '),
);
export const STATUS = {
  is_frozen: false,
  is_resigned: false,
  is_activated: true,
  is_exited: false,
  is_unjoin: false,
};
export const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);
export const rnd = (n = 8) => randomBytes(n).toString('hex');
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
export const normMobile = (m: string) => m.replace(/[\s-]/g, '').replace(/^\+86/, '');
export const parseJson = (s: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
};

/** Minimal multipart/form-data parser over raw bytes. undici's formData() would decode parts without a
 * filename as UTF-8 text, and axios (form-data) sends the SDK's Buffer `file` part without a filename. */
export function parseMultipart(buf: Buffer, contentType: string): Map<string, Part> {
  const out = new Map<string, Part>();
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return out;
  const delim = Buffer.from(`--${boundary}`);
  let pos = buf.indexOf(delim);
  while (pos !== -1) {
    const start = pos + delim.length;
    if (buf.subarray(start, start + 2).toString() === '--') break;
    const next = buf.indexOf(delim, start);
    if (next === -1) break;
    const part = buf.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next one
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    if (name !== undefined) out.set(name, { filename, data: part.subarray(split + 4) });
    pos = next;
  }
  return out;
}

/** The records tests read, and the fake's own bookkeeping; one per started fake. */
export type FakeRecords = Pick<
  FakeLark,
  | 'url'
  | 'appId'
  | 'appSecret'
  | 'botOpenId'
  | 'messages'
  | 'requests'
  | 'patches'
  | 'cardUpdates'
  | 'uploads'
  | 'imageUploads'
  | 'urgents'
  | 'chats'
  | 'tasks'
  | 'users'
  | 'ws'
>;
export interface FakeState {
  fake: FakeRecords;
  tokenExpire: number;
  tokens: Map<string, number>; // token → expiry (ms)
  byId: Map<string, FakeMessage>;
  current: Map<string, string>;
  byUuid: Map<string, FakeMessage>;
  expired: Set<string>;
  rejected: Map<string, number>;
  resources: Map<string, { bytes: Buffer; contentType: string }>;
  inbound: Map<string, string>;
  /** Unread urgents per receiver (the fake's users never read them). */
  unreadUrgents: Map<string, number>;
  failures: { match: string | RegExp; res: FakeResponse; left: number }[];
  hangs: { match: string | RegExp; left: number }[];
  hung: Map<string, { accept: boolean; left: number }>;
  seq: number;
}

export function newState(
  o: { appId: string; appSecret: string; botOpenId: string; tokenExpire: number },
  ws: FakeLarkWs,
): FakeState {
  return {
    fake: {
      url: '',
      appId: o.appId,
      appSecret: o.appSecret,
      botOpenId: o.botOpenId,
      messages: [],
      requests: [],
      patches: [],
      cardUpdates: [],
      uploads: [],
      imageUploads: [],
      urgents: [],
      chats: [],
      tasks: [],
      users: new Map<string, FakeUser>(),
      ws,
    },
    tokenExpire: o.tokenExpire,
    tokens: new Map(),
    byId: new Map(),
    current: new Map(),
    byUuid: new Map(),
    expired: new Set(),
    rejected: new Map(),
    resources: new Map(),
    inbound: new Map(),
    unreadUrgents: new Map(),
    failures: [],
    hangs: [],
    hung: new Map(),
    seq: 0,
  };
}

export function findUser(s: FakeState, type: string, id: string): FakeUser | undefined {
  for (const u of s.fake.users.values()) {
    if (
      (type === 'open_id' && u.open_id === id) ||
      (type === 'union_id' && u.union_id === id) ||
      (type === 'user_id' && u.user_id === id) ||
      (type === 'email' && u.email?.toLowerCase() === id.toLowerCase())
    )
      return u;
  }
  return undefined;
}
export const idOf = (u: FakeUser, type: string): string =>
  type === 'union_id' ? u.union_id : type === 'user_id' ? u.user_id : u.open_id;
// A bot↔user p2p chat has one stable chat id per user; the fake derives it from the open_id.
export const p2pChat = (openId: string) => `oc_p2p_${openId}`;
/** Does "METHOD /path" match a failNext/hang pattern? */
export const matches = (match: string | RegExp, key: string): boolean =>
  typeof match === 'string' ? key.includes(match) : match.test(key);
