/** The fake's IM message endpoints: send, reply, patch, urgent, resource download, card update. */

import {
  type Ctx,
  type FakeState,
  fail,
  findUser,
  HOUR,
  MSG_TYPES,
  ok,
  p2pChat,
  parseJson,
  RECEIVE_ID_TYPES,
  type Reply,
  str,
  strList,
} from './fake-lark-core.js';
import type { FakeMessage } from './fake-lark-types.js';
import { LarkCodes } from './fake-lark-types.js';

function rejection(s: FakeState, ...ids: (string | undefined)[]): number | undefined {
  for (const id of ids) if (id !== undefined && s.rejected.has(id)) return s.rejected.get(id);
  return undefined;
}

const messageData = (s: FakeState, m: FakeMessage) => ({
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
  sender: { id: s.fake.appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'tk_test' },
  body: { content: m.content },
  mentions: [],
});

/** Shared checks of send and reply bodies: msg_type, content must be a JSON string, size limits. */
function checkContent(ctx: Ctx, patch = false): Reply | { msgType: string; content: string; json: unknown } {
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
}

function record(s: FakeState, m: FakeMessage, uuid: string | undefined): Reply {
  s.fake.messages.push(m);
  s.byId.set(m.messageId, m);
  s.current.set(m.messageId, m.content);
  if (uuid) s.byUuid.set(uuid, m);
  return ok(messageData(s, m));
}
// Lark: requests with the same uuid produce at most one message per hour; the repeat gets the original back.
function dedupe(s: FakeState, uuid: string | undefined): Reply | undefined {
  const prev = uuid ? s.byUuid.get(uuid) : undefined;
  return prev && Date.now() - prev.at < HOUR ? ok(messageData(s, prev)) : undefined;
}

export function send(s: FakeState, ctx: Ctx): Reply {
  const receiveIdType = ctx.query.get('receive_id_type') ?? '';
  const receiveId = str(ctx.json.receive_id);
  if (!RECEIVE_ID_TYPES.has(receiveIdType) || !receiveId)
    return fail(LarkCodes.fieldValidation, 'field validation failed');
  const c = checkContent(ctx);
  if ('status' in c) return c;
  const uuid = str(ctx.json.uuid);
  const again = dedupe(s, uuid);
  if (again) return again;
  const user = receiveIdType === 'chat_id' ? undefined : findUser(s, receiveIdType, receiveId);
  const chatId = receiveIdType === 'chat_id' ? receiveId : p2pChat(user?.open_id ?? receiveId);
  const code = rejection(s, receiveId, chatId, user?.open_id);
  if (code !== undefined) return fail(code);
  return record(
    s,
    {
      messageId: `om_${++s.seq}`,
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
}

export function reply(s: FakeState, ctx: Ctx): Reply {
  const target = ctx.params[0] ?? '';
  // Accept any om_ id: the replied-to message is usually one a test user "sent" via a webhook event.
  if (!target.startsWith('om_')) return fail(LarkCodes.invalidParam, `invalid message_id: ${target}`);
  const c = checkContent(ctx);
  if ('status' in c) return c;
  const uuid = str(ctx.json.uuid);
  const again = dedupe(s, uuid);
  if (again) return again;
  const parent = s.byId.get(target);
  const chatId = parent?.chatId ?? s.inbound.get(target) ?? 'oc_unknown';
  const code = rejection(s, chatId, parent?.receiveId);
  if (code !== undefined) return fail(code);
  const inThread = ctx.json.reply_in_thread === true;
  return record(
    s,
    {
      messageId: `om_${++s.seq}`,
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
      threadId: parent?.threadId ?? (inThread ? `omt_${s.seq}` : undefined),
    },
    uuid,
  );
}

export function patch(s: FakeState, ctx: Ctx): Reply {
  const id = ctx.params[0] ?? '';
  const m = s.byId.get(id);
  // Only the bot's own interactive messages can be patched (docs/lark.md §4).
  if (!m) return fail(LarkCodes.invalidParam, `message not found or not sent by this app: ${id}`);
  if (m.msgType !== 'interactive')
    return fail(LarkCodes.invalidParam, 'only interactive messages can be patched');
  if (s.expired.has(id))
    return fail(LarkCodes.messageTooOld, 'Message can only be modified within 14 days after sending.');
  const c = checkContent(ctx, true);
  if ('status' in c) return c;
  s.fake.patches.push({ messageId: id, content: c.content, at: Date.now() });
  s.current.set(id, c.content);
  return ok({});
}

export const botInfo = (s: FakeState): Reply => ({
  status: 200, // bot info is NOT wrapped in `data` (official doc: {code, msg, bot})
  body: {
    code: 0,
    msg: 'ok',
    bot: {
      activate_status: 2,
      app_name: '督办',
      avatar_url: '',
      ip_white_list: [],
      open_id: s.fake.botOpenId,
    },
  },
});

/** Lark keeps at most this many unread urgents per receiver (docs/lark.md). */
export const URGENT_UNREAD_LIMIT = 200;

/** urgent_app / urgent_sms: the bot's own message, to members of its chat, under the unread limit. */
export function urgent(s: FakeState, ctx: Ctx): Reply {
  const id = ctx.params[0] ?? '';
  const mode = ctx.params[1] === 'sms' ? 'sms' : 'app';
  const type = ctx.query.get('user_id_type') ?? '';
  if (!Array.isArray(ctx.json.user_id_list) || !RECEIVE_ID_TYPES.has(type) || type === 'chat_id')
    return fail(LarkCodes.fieldValidation, 'field validation failed');
  // Only the bot's own messages can be urgent-pinged.
  const m = s.byId.get(id);
  if (!m) return fail(LarkCodes.notSender, 'Bot is NOT the sender of the message.');
  const members = new Set(
    s.fake.chats.find((c) => c.chatId === m.chatId)?.members ??
      (m.chatId.startsWith('oc_p2p_') ? [m.chatId.slice('oc_p2p_'.length)] : []),
  );
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const uid of strList(ctx.json.user_id_list)) {
    const openId = type === 'open_id' ? uid : findUser(s, type, uid)?.open_id;
    (openId && members.has(openId) ? valid : invalid).push(uid);
  }
  const unread = (u: string) => s.unreadUrgents.get(u) ?? 0;
  if (valid.some((u) => unread(u) >= URGENT_UNREAD_LIMIT))
    return fail(LarkCodes.urgentLimit, 'Reach the upper limit of urgent message.');
  for (const u of valid) s.unreadUrgents.set(u, unread(u) + 1);
  if (valid.length) s.fake.urgents.push({ messageId: id, userIds: valid, mode, at: Date.now() });
  return ok({ invalid_user_id_list: invalid });
}

export function resource(s: FakeState, ctx: Ctx): Reply {
  const r = s.resources.get(`${ctx.params[0]}\u0000${ctx.params[1]}`);
  if (!r) return fail(LarkCodes.fileNotInMessage, 'File not in message.');
  return { status: 200, raw: r.bytes, headers: { 'content-type': r.contentType } };
}

export function cardUpdate(s: FakeState, ctx: Ctx): Reply {
  const token = str(ctx.json.token);
  const card = ctx.json.card;
  if (!token || typeof card !== 'object' || card === null)
    return fail(LarkCodes.fieldValidation, 'field validation failed');
  s.fake.cardUpdates.push({ token, card, at: Date.now() });
  return { status: 200, body: { code: 0, msg: 'success' } };
}
