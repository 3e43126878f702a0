/**
 * A fake Lark/Feishu Open API on 127.0.0.1 for driving the real @larksuiteoapi/node-sdk in tests
 * (pass `fake.url` as the Client's `domain`). Shapes follow docs/lark.md §5 and the official
 * API docs; error codes are the documented ones (see LarkCodes). Every request is recorded.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeLarkWs, startFakeLarkWs } from './fake-lark-ws.js';

/** Error codes the fake answers with. All non-token errors come as HTTP 400 + {code,msg}, like Lark. */
export const LarkCodes = {
  appSecretInvalid: 10014, // token endpoint, HTTP 200 (real Lark answers 200 here; the SDK then throws)
  missingToken: 99991661, // no Authorization header ("Need a token")
  invalidToken: 99991663, // unknown or expired tenant token
  rateLimited: 99991400,
  fieldValidation: 99992402, // missing/invalid required query or body field
  invalidParam: 230001, // bad content JSON, bad msg_type, unknown message id on reply/patch
  botNotInChat: 230002,
  notSender: 230012, // urgent on a message this bot did not send
  tooLong: 230025, // card/post content > 30 KB, text > 150 KB
  messageTooOld: 230031, // "Message can only be modified within 14 days after sending."
  invalidChatId: 232006,
  uploadInvalidParam: 234001,
  fileNotInMessage: 234003, // resource download for an unknown (message_id, file_key)
  emptyFile: 234010,
  noUserAuthority: 41050, // contact user unknown to the fake (outside the app's contact scope)
  invalidUserId: 41012, // contact user id with the wrong prefix for its user_id_type
} as const;

const MSG_FOR: Record<number, string> = {
  230001: 'Your request contains an invalid request parameter.',
  230002: 'The bot can not be outside the group.',
  230013: 'Bot has NO availability to this user.',
  230029: 'User has resigned.',
  230034: 'The receive_id is invalid.',
  230035: 'Send Message Permission deny.',
  230053: 'The user has stopped the bot from sending messages.',
};

export interface FakeMessage {
  messageId: string;
  kind: 'send' | 'reply';
  receiveIdType?: string;
  receiveId?: string;
  replyTo?: string;
  msgType: string;
  content: string;
  /** `content` parsed. */
  json: unknown;
  uuid?: string;
  replyInThread?: boolean;
  at: number;
  chatId: string;
  rootId?: string;
  threadId?: string;
}
export interface FakeUser {
  open_id: string;
  union_id: string;
  user_id: string;
  name: string;
  en_name?: string;
  email?: string;
  mobile?: string;
}
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  at: number;
}
export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeLark {
  url: string;
  appId: string;
  appSecret: string;
  botOpenId: string;
  messages: FakeMessage[];
  requests: FakeRequest[];
  patches: { messageId: string; content: string; at: number }[];
  cardUpdates: { token: string; card: unknown; at: number }[];
  uploads: { fileKey: string; fileType: string; fileName: string; bytes: Buffer }[];
  imageUploads: { imageKey: string; bytes: Buffer }[];
  urgents: { messageId: string; userIds: string[] }[];
  chats: { chatId: string; name: string; members: string[] }[];
  users: Map<string, FakeUser>;
  /** The long connection (POST /callback/ws/endpoint and its WebSocket server). */
  ws: FakeLarkWs;
  addUser(u: Partial<FakeUser> & { open_id: string; name: string }): FakeUser;
  addResource(messageId: string, fileKey: string, bytes: Buffer, contentType: string): void;
  /** Tell the fake which chat a user-sent message lives in, so replies to it get that chatId (default 'oc_unknown'). */
  addInboundMessage(messageId: string, chatId: string): void;
  failNext(match: string | RegExp, res: FakeResponse, times?: number): void;
  /** Requests whose "METHOD /path" matches are accepted and never answered (a Lark that stops answering). */
  hang(match: string | RegExp, times?: number): void;
  expireMessage(messageId: string): void;
  rejectReceiver(receiveId: string, code: number): void;
  /**
   * Sends and replies to receiveId (or into that chat) get no answer: with accept, the message is
   * recorded first (Lark got it, the answer was lost). reset() ends the hold.
   */
  hangReceiver(receiveId: string, o?: { accept?: boolean; times?: number }): void;
  sentTo(receiveId: string): FakeMessage[];
  /** Current content of a bot message (after PATCHes), parsed. */
  latest(messageId: string): unknown;
  reset(): void;
  close(): Promise<void>;
}

type Reply = { status: number; body?: unknown; raw?: Buffer; headers?: Record<string, string> };
interface Ctx {
  method: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  json: Record<string, unknown>;
  params: string[];
}
type Part = { filename?: string; data: Buffer };

const ok = (data: unknown): Reply => ({ status: 200, body: { code: 0, msg: 'success', data } });
const fail = (code: number, msg = MSG_FOR[code] ?? `error ${code}`, status = 400): Reply => ({
  status,
  body: { code, msg },
});
const HOUR = 3_600_000;
const MSG_TYPES = new Set(
  'text post image file audio media sticker interactive share_chat share_user'.split(' '),
);
const STATUS = {
  is_frozen: false,
  is_resigned: false,
  is_activated: true,
  is_exited: false,
  is_unjoin: false,
};
const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);
const rnd = (n = 8) => randomBytes(n).toString('hex');
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const normMobile = (m: string) => m.replace(/[\s-]/g, '').replace(/^\+86/, '');
const parseJson = (s: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
};

/** Minimal multipart/form-data parser over raw bytes. undici's formData() would decode parts without a
 * filename as UTF-8 text, and axios (form-data) sends the SDK's Buffer `file` part without a filename. */
function parseMultipart(buf: Buffer, contentType: string): Map<string, Part> {
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

export async function startFakeLark(
  opts: { appId?: string; appSecret?: string; botOpenId?: string; tokenExpire?: number } = {},
): Promise<FakeLark> {
  const appId = opts.appId ?? 'cli_a0b1c2d3e4f50001';
  const appSecret = opts.appSecret ?? 'secret_test';
  const botOpenId = opts.botOpenId ?? 'ou_bot';
  const tokenExpire = opts.tokenExpire ?? 7200;

  const tokens = new Map<string, number>(); // token → expiry (ms)
  const byId = new Map<string, FakeMessage>();
  const current = new Map<string, string>();
  const byUuid = new Map<string, FakeMessage>();
  const expired = new Set<string>();
  const rejected = new Map<string, number>();
  const resources = new Map<string, { bytes: Buffer; contentType: string }>();
  const inbound = new Map<string, string>();
  const failures: { match: string | RegExp; res: FakeResponse; left: number }[] = [];
  const hangs: { match: string | RegExp; left: number }[] = [];
  const hung = new Map<string, { accept: boolean; left: number }>();
  let seq = 0;
  const ws = await startFakeLarkWs({ appId, appSecret });

  const fake = {
    url: '',
    appId,
    appSecret,
    botOpenId,
    messages: [] as FakeMessage[],
    requests: [] as FakeRequest[],
    patches: [] as FakeLark['patches'],
    cardUpdates: [] as FakeLark['cardUpdates'],
    uploads: [] as FakeLark['uploads'],
    imageUploads: [] as FakeLark['imageUploads'],
    urgents: [] as FakeLark['urgents'],
    chats: [] as FakeLark['chats'],
    users: new Map<string, FakeUser>(),
    ws,
  };

  const findUser = (type: string, id: string): FakeUser | undefined => {
    for (const u of fake.users.values()) {
      if (
        (type === 'open_id' && u.open_id === id) ||
        (type === 'union_id' && u.union_id === id) ||
        (type === 'user_id' && u.user_id === id) ||
        (type === 'email' && u.email?.toLowerCase() === id.toLowerCase())
      )
        return u;
    }
    return undefined;
  };
  const idOf = (u: FakeUser, type: string): string =>
    type === 'union_id' ? u.union_id : type === 'user_id' ? u.user_id : u.open_id;
  // A bot↔user p2p chat has one stable chat id per user; the fake derives it from the open_id.
  const p2pChat = (openId: string) => `oc_p2p_${openId}`;
  const rejection = (...ids: (string | undefined)[]) => {
    for (const id of ids) if (id !== undefined && rejected.has(id)) return rejected.get(id);
    return undefined;
  };

  const messageData = (m: FakeMessage) => ({
    message_id: m.messageId,
    root_id: m.rootId,
    parent_id: m.replyTo,
    thread_id: m.threadId,
    msg_type: m.msgType,
    create_time: String(m.at),
    update_time: String(m.at),
    deleted: false,
    updated: false,
    chat_id: m.chatId,
    sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'tk_test' },
    body: { content: m.content },
    mentions: [],
  });

  /** Shared checks of send and reply bodies: msg_type, content must be a JSON string, size limits. */
  const checkContent = (
    ctx: Ctx,
    patch = false,
  ): Reply | { msgType: string; content: string; json: unknown } => {
    const msgType = patch ? 'interactive' : str(ctx.json.msg_type);
    const content = str(ctx.json.content);
    if (msgType === undefined || content === undefined)
      return fail(LarkCodes.fieldValidation, 'field validation failed');
    if (!MSG_TYPES.has(msgType)) return fail(LarkCodes.invalidParam, `invalid msg_type: ${msgType}`);
    const parsed = parseJson(content);
    if (!parsed.ok) return fail(LarkCodes.invalidParam, 'invalid content: not a JSON string');
    // 30 KB for cards and posts, 150 KB for text, measured on the content string (docs/lark.md §7).
    const limit = msgType === 'interactive' || msgType === 'post' ? 30 * 1024 : 150 * 1024;
    if (Buffer.byteLength(content) > limit) return fail(LarkCodes.tooLong, 'message content too long');
    return { msgType, content, json: parsed.value };
  };

  const record = (m: FakeMessage, uuid: string | undefined): Reply => {
    fake.messages.push(m);
    byId.set(m.messageId, m);
    current.set(m.messageId, m.content);
    if (uuid) byUuid.set(uuid, m);
    return ok(messageData(m));
  };
  // Lark: requests with the same uuid produce at most one message per hour; the repeat gets the original back.
  const dedupe = (uuid: string | undefined): Reply | undefined => {
    const prev = uuid ? byUuid.get(uuid) : undefined;
    return prev && Date.now() - prev.at < HOUR ? ok(messageData(prev)) : undefined;
  };

  const send = (ctx: Ctx): Reply => {
    const receiveIdType = ctx.query.get('receive_id_type') ?? '';
    const receiveId = str(ctx.json.receive_id);
    if (!RECEIVE_ID_TYPES.has(receiveIdType) || !receiveId)
      return fail(LarkCodes.fieldValidation, 'field validation failed');
    const c = checkContent(ctx);
    if ('status' in c) return c;
    const uuid = str(ctx.json.uuid);
    const again = dedupe(uuid);
    if (again) return again;
    const user = receiveIdType === 'chat_id' ? undefined : findUser(receiveIdType, receiveId);
    const chatId = receiveIdType === 'chat_id' ? receiveId : p2pChat(user?.open_id ?? receiveId);
    const code = rejection(receiveId, chatId, user?.open_id);
    if (code !== undefined) return fail(code);
    return record(
      {
        messageId: `om_${++seq}`,
        kind: 'send',
        receiveIdType,
        receiveId,
        msgType: c.msgType,
        content: c.content,
        json: c.json,
        uuid,
        at: Date.now(),
        chatId,
      },
      uuid,
    );
  };

  const reply = (ctx: Ctx): Reply => {
    const target = ctx.params[0] ?? '';
    // Accept any om_ id: the replied-to message is usually one a test user "sent" via a webhook event.
    if (!target.startsWith('om_')) return fail(LarkCodes.invalidParam, `invalid message_id: ${target}`);
    const c = checkContent(ctx);
    if ('status' in c) return c;
    const uuid = str(ctx.json.uuid);
    const again = dedupe(uuid);
    if (again) return again;
    const parent = byId.get(target);
    const chatId = parent?.chatId ?? inbound.get(target) ?? 'oc_unknown';
    const code = rejection(chatId, parent?.receiveId);
    if (code !== undefined) return fail(code);
    const inThread = ctx.json.reply_in_thread === true;
    return record(
      {
        messageId: `om_${++seq}`,
        kind: 'reply',
        replyTo: target,
        receiveIdType: parent?.receiveIdType,
        receiveId: parent?.receiveId,
        msgType: c.msgType,
        content: c.content,
        json: c.json,
        uuid,
        replyInThread: inThread || undefined,
        at: Date.now(),
        chatId,
        rootId: parent?.rootId ?? target,
        threadId: parent?.threadId ?? (inThread ? `omt_${seq}` : undefined),
      },
      uuid,
    );
  };

  const patch = (ctx: Ctx): Reply => {
    const id = ctx.params[0] ?? '';
    const m = byId.get(id);
    // Only the bot's own interactive messages can be patched (docs/lark.md §4).
    if (!m) return fail(LarkCodes.invalidParam, `message not found or not sent by this app: ${id}`);
    if (m.msgType !== 'interactive')
      return fail(LarkCodes.invalidParam, 'only interactive messages can be patched');
    if (expired.has(id))
      return fail(LarkCodes.messageTooOld, 'Message can only be modified within 14 days after sending.');
    const c = checkContent(ctx, true);
    if ('status' in c) return c;
    fake.patches.push({ messageId: id, content: c.content, at: Date.now() });
    current.set(id, c.content);
    return ok({});
  };

  const botInfo = (): Reply => ({
    status: 200, // bot info is NOT wrapped in `data` (official doc: {code, msg, bot})
    body: {
      code: 0,
      msg: 'ok',
      bot: { activate_status: 2, app_name: '督办', avatar_url: '', ip_white_list: [], open_id: botOpenId },
    },
  });

  const urgent = (ctx: Ctx): Reply => {
    const id = ctx.params[0] ?? '';
    if (!Array.isArray(ctx.json.user_id_list))
      return fail(LarkCodes.fieldValidation, 'field validation failed');
    // Only the bot's own messages can be urgent-pinged.
    if (!byId.has(id)) return fail(LarkCodes.notSender, 'Bot is NOT the sender of the message.');
    fake.urgents.push({ messageId: id, userIds: strList(ctx.json.user_id_list) });
    return ok({ invalid_user_id_list: [] });
  };

  const resource = (ctx: Ctx): Reply => {
    const r = resources.get(`${ctx.params[0]}\u0000${ctx.params[1]}`);
    if (!r) return fail(LarkCodes.fileNotInMessage, 'File not in message.');
    return { status: 200, raw: r.bytes, headers: { 'content-type': r.contentType } };
  };

  const cardUpdate = (ctx: Ctx): Reply => {
    const token = str(ctx.json.token);
    const card = ctx.json.card;
    if (!token || typeof card !== 'object' || card === null)
      return fail(LarkCodes.fieldValidation, 'field validation failed');
    fake.cardUpdates.push({ token, card, at: Date.now() });
    return { status: 200, body: { code: 0, msg: 'success' } };
  };

  const uploadFile = (ctx: Ctx): Reply => {
    const form = parseMultipart(ctx.raw, String(ctx.headers['content-type'] ?? ''));
    const fileType = form.get('file_type')?.data.toString();
    const fileName = form.get('file_name')?.data.toString();
    const file = form.get('file')?.data;
    if (!fileType || !fileName || !file) return fail(LarkCodes.uploadInvalidParam, 'Invalid request param.');
    if (file.length === 0) return fail(LarkCodes.emptyFile, "File's size can't be 0.");
    const fileKey = `file_v3_${++seq}`;
    fake.uploads.push({ fileKey, fileType, fileName, bytes: Buffer.from(file) });
    return ok({ file_key: fileKey });
  };

  const uploadImage = (ctx: Ctx): Reply => {
    const form = parseMultipart(ctx.raw, String(ctx.headers['content-type'] ?? ''));
    const image = form.get('image')?.data;
    if (!form.get('image_type') || !image)
      return fail(LarkCodes.uploadInvalidParam, 'Invalid request param.');
    if (image.length === 0) return fail(LarkCodes.emptyFile, "File's size can't be 0.");
    const imageKey = `img_v3_${++seq}`;
    fake.imageUploads.push({ imageKey, bytes: Buffer.from(image) });
    return ok({ image_key: imageKey });
  };

  const batchGetId = (ctx: Ctx): Reply => {
    const type = ctx.query.get('user_id_type') ?? 'open_id';
    const users = [...fake.users.values()];
    // Unknown emails/mobiles come back as entries without user_id (official doc example).
    const byEmail = strList(ctx.json.emails).map((email) => {
      const u = users.find((x) => x.email?.toLowerCase() === email.toLowerCase());
      return u ? { user_id: idOf(u, type), email, status: STATUS } : { email };
    });
    const byMobile = strList(ctx.json.mobiles).map((mobile) => {
      const u = users.find((x) => x.mobile !== undefined && normMobile(x.mobile) === normMobile(mobile));
      return u ? { user_id: idOf(u, type), mobile, status: STATUS } : { mobile };
    });
    return ok({ user_list: [...byEmail, ...byMobile] });
  };

  const getUser = (ctx: Ctx): Reply => {
    const type = ctx.query.get('user_id_type') ?? 'open_id';
    const id = ctx.params[0] ?? '';
    if ((type === 'open_id' && !id.startsWith('ou_')) || (type === 'union_id' && !id.startsWith('on_'))) {
      return fail(LarkCodes.invalidUserId, 'user id invalid error');
    }
    const u = findUser(type, id);
    if (!u) return fail(LarkCodes.noUserAuthority, 'no user authority');
    return ok({ user: { ...u, status: STATUS, department_ids: [], avatar: {} } });
  };

  const createChat = (ctx: Ctx): Reply => {
    const chat = {
      chatId: `oc_${++seq}`,
      name: str(ctx.json.name) ?? '',
      members: strList(ctx.json.user_id_list),
    };
    fake.chats.push(chat);
    const { chatId: chat_id, name } = chat;
    const owner_id = str(ctx.json.owner_id) ?? '';
    const description = str(ctx.json.description) ?? '';
    return ok({
      chat_id,
      name,
      description,
      owner_id,
      owner_id_type: 'open_id',
      chat_mode: 'group',
      chat_type: 'private',
    });
  };

  const addMembers = (ctx: Ctx): Reply => {
    const chat = fake.chats.find((c) => c.chatId === ctx.params[0]);
    if (!chat) return fail(LarkCodes.invalidChatId, 'Your request specifies a chat_id which is invalid.');
    for (const id of strList(ctx.json.id_list)) if (!chat.members.includes(id)) chat.members.push(id);
    return ok({ invalid_id_list: [], not_existed_id_list: [], pending_approval_id_list: [] });
  };

  // Paths below are relative to /open-apis; all need a tenant token.
  const routes: [string, RegExp, (ctx: Ctx) => Reply][] = [
    ['GET', /^\/bot\/v3\/info$/, botInfo],
    ['POST', /^\/im\/v1\/messages$/, send],
    ['POST', /^\/im\/v1\/messages\/([^/]+)\/reply$/, reply],
    ['PATCH', /^\/im\/v1\/messages\/([^/]+)\/urgent_app$/, urgent],
    ['PATCH', /^\/im\/v1\/messages\/([^/]+)$/, patch],
    ['GET', /^\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/, resource],
    ['POST', /^\/interactive\/v1\/card\/update$/, cardUpdate],
    ['POST', /^\/im\/v1\/files$/, uploadFile],
    ['POST', /^\/im\/v1\/images$/, uploadImage],
    ['POST', /^\/contact\/v3\/users\/batch_get_id$/, batchGetId],
    ['GET', /^\/contact\/v3\/users\/([^/]+)$/, getUser],
    ['POST', /^\/im\/v1\/chats$/, createChat],
    ['POST', /^\/im\/v1\/chats\/([^/]+)\/members$/, addMembers],
  ];

  const tokenEndpoint = (ctx: Ctx): Reply => {
    // Not wrapped in `data`. A wrong secret is answered with HTTP 200 + code 10014 (observed on real Lark).
    if (ctx.json.app_id !== appId || ctx.json.app_secret !== appSecret)
      return fail(LarkCodes.appSecretInvalid, 'app secret invalid', 200);
    const token = `t-${rnd(16)}`;
    tokens.set(token, Date.now() + tokenExpire * 1000);
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire: tokenExpire } };
  };

  const handle = (method: string, path: string, ctx: Ctx): Reply => {
    const key = `${method} ${path}`;
    const f = failures.find(
      (x) => x.left > 0 && (typeof x.match === 'string' ? key.includes(x.match) : x.match.test(key)),
    );
    if (f) {
      f.left--;
      return { status: f.res.status, body: f.res.body, headers: f.res.headers };
    }
    if (method === 'POST' && path === '/callback/ws/endpoint') return ws.endpoint(ctx.json);
    if (!path.startsWith('/open-apis/')) return fail(404, 'not found', 404);
    const sub = path.slice('/open-apis'.length);
    if (method === 'POST' && sub === '/auth/v3/tenant_access_token/internal') return tokenEndpoint(ctx);
    for (const [m, re, fn] of routes) {
      const hit = m === method ? re.exec(sub) : null;
      if (!hit) continue;
      const auth = /^Bearer (.+)$/.exec(String(ctx.headers.authorization ?? ''))?.[1];
      if (!auth)
        return fail(
          LarkCodes.missingToken,
          'Missing access token for authorization. Please make a request with token attached.',
        );
      const exp = tokens.get(auth);
      if (exp === undefined || exp <= Date.now())
        return fail(
          LarkCodes.invalidToken,
          'Invalid access token for authorization. Please make a request with token attached.',
        );
      return fn({ ...ctx, params: hit.slice(1).map(decodeURIComponent) });
    }
    return fail(404, 'not found', 404);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const ct = String(req.headers['content-type'] ?? '');
      // The SDK sends GETs with a JSON body `{}`; it is parsed and simply ignored by GET routes.
      const parsed =
        raw.length > 0 && ct.includes('json') ? parseJson(raw.toString('utf8')) : { ok: false as const };
      let body: unknown = parsed.ok ? parsed.value : undefined;
      if (ct.startsWith('multipart/form-data')) {
        body = Object.fromEntries(
          [...parseMultipart(raw, ct)].map(([k, p]) => [
            k,
            p.filename !== undefined || k === 'file' || k === 'image'
              ? `<${p.data.length} bytes>`
              : p.data.toString('utf8'),
          ]),
        );
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
      );
      fake.requests.push({
        method,
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers,
        body,
        at: Date.now(),
      });
      const json =
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : {};
      const key = `${method} ${u.pathname}`;
      const h = hangs.find(
        (x) => x.left > 0 && (typeof x.match === 'string' ? key.includes(x.match) : x.match.test(key)),
      );
      if (h) {
        h.left--;
        return; // the socket stays open until the client gives up or close() destroys it
      }
      const hold =
        hung.get(str(json.receive_id) ?? '') ?? hung.get(inbound.get(u.pathname.split('/')[5] ?? '') ?? '');
      if (hold && hold.left > 0 && method === 'POST' && u.pathname.startsWith('/open-apis/im/v1/messages')) {
        hold.left--;
        if (hold.accept)
          handle(method, u.pathname, {
            method,
            query: u.searchParams,
            headers: req.headers,
            raw,
            json,
            params: [],
          });
        return; // no answer, socket left open
      }
      let out: Reply;
      try {
        out = handle(method, u.pathname, {
          method,
          query: u.searchParams,
          headers: req.headers,
          raw,
          json,
          params: [],
        });
      } catch (e) {
        out = { status: 500, body: { code: 500, msg: `fake-lark crashed: ${String(e)}` } };
      }
      const payload =
        out.raw ?? Buffer.from(typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {}));
      res.writeHead(out.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-tt-logid': rnd(10),
        'content-length': String(payload.length),
        ...out.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;

  const api: FakeLark = Object.assign(fake, {
    addUser(u: Partial<FakeUser> & { open_id: string; name: string }): FakeUser {
      const suffix = u.open_id.replace(/^ou_/, '');
      const full: FakeUser = {
        ...u,
        union_id: u.union_id ?? `on_${suffix}`,
        user_id: u.user_id ?? `u_${suffix}`,
      };
      fake.users.set(full.open_id, full);
      return full;
    },
    addResource(messageId: string, fileKey: string, bytes: Buffer, contentType: string) {
      resources.set(`${messageId}\u0000${fileKey}`, { bytes, contentType });
    },
    addInboundMessage(messageId: string, chatId: string) {
      inbound.set(messageId, chatId);
    },
    failNext(match: string | RegExp, res: FakeResponse, times = 1) {
      failures.push({ match, res, left: times });
    },
    hang(match: string | RegExp, times = Number.POSITIVE_INFINITY) {
      hangs.push({ match, left: times });
    },
    expireMessage(messageId: string) {
      expired.add(messageId);
    },
    rejectReceiver(receiveId: string, code: number) {
      rejected.set(receiveId, code);
    },
    sentTo(receiveId: string): FakeMessage[] {
      return fake.messages.filter(
        (m) => m.receiveId === receiveId || m.chatId === receiveId || m.chatId === p2pChat(receiveId),
      );
    },
    latest(messageId: string): unknown {
      const c = current.get(messageId);
      return c === undefined ? undefined : JSON.parse(c);
    },
    hangReceiver(receiveId: string, o: { accept?: boolean; times?: number } = {}) {
      hung.set(receiveId, { accept: o.accept ?? false, left: o.times ?? Number.POSITIVE_INFINITY });
    },
    reset() {
      hung.clear();
      const records = [fake.messages, fake.requests, fake.patches, fake.cardUpdates, fake.uploads];
      for (const a of [...records, fake.imageUploads, fake.urgents, fake.chats]) a.length = 0;
      for (const m of [byId, current, byUuid, rejected, resources, inbound]) m.clear();
      expired.clear();
      failures.length = 0;
      hangs.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        void ws.close();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // axios keeps sockets alive; do not wait for them
      }),
  });
  return api;
}
