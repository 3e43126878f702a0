/**
 * Builders for webhook requests exactly as Lark sends them (docs/lark.md §1, §2, §4): v2 event envelopes,
 * AES-256-CBC encryption of the body and the X-Lark-Signature header.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

const rnd = (n = 8) => randomBytes(n).toString('hex');

/** base64(IV16 || AES-256-CBC(key = sha256(encryptKey), PKCS#7, plaintext)) — what the SDK's AESCipher decrypts. */
export function encryptLark(plaintext: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** Lower-case hex sha256(timestamp + nonce + encryptKey + rawBody). Plain SHA-256, not HMAC. */
export function signLark(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + rawBody)
    .digest('hex');
}

/**
 * The HTTP request Lark would send. The body is compact JSON: the Node SDK verifies the signature over
 * JSON.stringify(parsedBody), so a pretty-printed body would not verify there. With an encryptKey the
 * payload is wrapped as {"encrypt": …} and signed; without one, no signature header is sent.
 */
export function larkRequest(
  payload: unknown,
  opts: { encryptKey?: string; timestamp?: number; nonce?: string } = {},
): { headers: Record<string, string>; body: string } {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? rnd(8);
  const body = opts.encryptKey
    ? JSON.stringify({ encrypt: encryptLark(JSON.stringify(payload), opts.encryptKey) })
    : JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
  };
  if (opts.encryptKey) headers['x-lark-signature'] = signLark(timestamp, nonce, opts.encryptKey, body);
  return { headers, body };
}

/** open_id → the ids Lark sends alongside it: union_id 'on_'+suffix, user_id 'u_'+suffix. */
export function userIds(
  openId: string,
  userId?: string,
): { open_id: string; union_id: string; user_id: string } {
  const suffix = openId.replace(/^ou_/, '');
  return { open_id: openId, union_id: `on_${suffix}`, user_id: userId ?? `u_${suffix}` };
}

export interface MessageEventBase {
  eventId?: string;
  /** Verification token, sent as header.token. */
  token: string;
  /** Sender open_id. */
  sender: string;
  /** Defaults to 'group' when a non-p2p chatId is given, else 'p2p'. */
  chatType?: 'p2p' | 'group';
  /** Defaults to `oc_p2p_<sender>` for p2p (the same id the fake gives p2p sends) and 'oc_group' for groups. */
  chatId?: string;
  messageId?: string;
  parentId?: string;
  rootId?: string;
  threadId?: string;
  /** `key` is the placeholder used in the text, e.g. '@_user_1'. Pass userId '' for a bot (bots have no user_id). */
  mentions?: { key: string; openId: string; name: string; userId?: string }[];
  /** Milliseconds. */
  createTime?: number;
  appId?: string;
  tenantKey?: string;
}

function envelope(
  eventType: string,
  o: { eventId?: string; token: string; createTime?: number; appId?: string; tenantKey?: string },
  event: object,
): object {
  return {
    schema: '2.0',
    header: {
      event_id: o.eventId ?? `ev_${rnd(12)}`,
      event_type: eventType,
      create_time: String(o.createTime ?? Date.now()), // millisecond string
      token: o.token,
      app_id: o.appId ?? 'cli_a0b1c2d3e4f50001',
      tenant_key: o.tenantKey ?? 'tk_test',
    },
    event,
  };
}

function messageEvent(o: MessageEventBase, messageType: string, content: unknown): object {
  const tenantKey = o.tenantKey ?? 'tk_test';
  const chatType = o.chatType ?? (o.chatId && !o.chatId.startsWith('oc_p2p_') ? 'group' : 'p2p');
  const chatId = o.chatId ?? (chatType === 'p2p' ? `oc_p2p_${o.sender}` : 'oc_group');
  const time = String(o.createTime ?? Date.now());
  const message: Record<string, unknown> = {
    message_id: o.messageId ?? `om_${rnd(12)}`,
    // root_id / parent_id / thread_id appear only on replies and in threads.
    ...(o.rootId !== undefined || o.parentId !== undefined ? { root_id: o.rootId ?? o.parentId } : {}),
    ...(o.parentId !== undefined ? { parent_id: o.parentId } : {}),
    ...(o.threadId !== undefined ? { thread_id: o.threadId } : {}),
    create_time: time,
    update_time: time,
    chat_id: chatId,
    chat_type: chatType,
    message_type: messageType,
    content: JSON.stringify(content), // content is a JSON *string*
  };
  if (o.mentions?.length) {
    message.mentions = o.mentions.map((m) => ({
      key: m.key,
      id: userIds(m.openId, m.userId),
      name: m.name,
      tenant_key: tenantKey,
    }));
  }
  return envelope('im.message.receive_v1', o, {
    sender: { sender_id: userIds(o.sender), sender_type: 'user', tenant_key: tenantKey },
    message,
  });
}

/** task.task.updated_v1: a task this app created changed (obj_type 5 = completed, 6 = reopened, 7 = deleted). */
export function taskUpdatedEvent(o: {
  token: string;
  eventId?: string;
  taskId: string;
  objType: number;
}): object {
  return envelope('task.task.updated_v1', o, { task_id: o.taskId, obj_type: o.objType });
}

/** im.message.receive_v1 for a text message. `text` is the raw content text: mentions appear as '@_user_N'. */
export function textMessageEvent(o: MessageEventBase & { text: string }): object {
  return messageEvent(o, 'text', { text: o.text });
}

/** Image: content {image_key}; file: content {file_key, file_name}. */
export function fileMessageEvent(
  o: MessageEventBase & { kind: 'image' | 'file'; fileKey: string; fileName?: string },
): object {
  return o.kind === 'image'
    ? messageEvent(o, 'image', { image_key: o.fileKey })
    : messageEvent(o, 'file', { file_key: o.fileKey, file_name: o.fileName ?? 'file.bin' });
}

/**
 * Post: content {title, content: paragraphs}. Whether received posts are locale-wrapped is uncertain
 * (docs/lark.md §1), so `locale` (e.g. 'zh_cn') optionally wraps it as {zh_cn: {title, content}}.
 */
export function postMessageEvent(
  o: MessageEventBase & { title?: string; paragraphs: object[][]; locale?: string },
): object {
  const post = { title: o.title ?? '', content: o.paragraphs };
  return messageEvent(o, 'post', o.locale ? { [o.locale]: post } : post);
}

/**
 * card.action.trigger (v2). A form submit arrives as tag 'button' with form_value; a select with `option`.
 * `event.token` is the c-… delayed-update token (valid 30 min, usable twice).
 */
export function cardActionEvent(o: {
  eventId?: string;
  token: string;
  operator: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  option?: string;
  messageId: string;
  chatId?: string;
  name?: string;
  tag?: string;
  updateToken?: string;
  createTime?: number;
  appId?: string;
  tenantKey?: string;
}): object {
  const tenantKey = o.tenantKey ?? 'tk_test';
  const action: Record<string, unknown> = {
    tag: o.tag ?? (o.option !== undefined ? 'select_static' : 'button'),
    value: o.value,
  };
  if (o.name !== undefined) action.name = o.name;
  if (o.formValue !== undefined) action.form_value = o.formValue;
  if (o.option !== undefined) action.option = o.option;
  return envelope('card.action.trigger', o, {
    operator: { tenant_key: tenantKey, ...userIds(o.operator) },
    token: o.updateToken ?? `c-${rnd(16)}`,
    host: 'im_message',
    action,
    context: { open_message_id: o.messageId, open_chat_id: o.chatId ?? `oc_p2p_${o.operator}` },
  });
}

/** The URL-verification challenge (plain form; pass it through larkRequest with an encryptKey for the encrypted form). */
export function urlVerification(token: string, challenge?: string): object {
  return { challenge: challenge ?? `ch_${rnd(8)}`, token, type: 'url_verification' };
}
