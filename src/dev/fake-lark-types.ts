/** Public shapes of the fake Lark Open API (see fake-lark.ts). */
import type { FakeLarkWs } from './fake-lark-ws.js';

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
  urgentLimit: 230024, // urgent quota used up, or 200 unread urgents for a receiver
  tooLong: 230025, // card/post content > 30 KB, text > 150 KB
  messageTooOld: 230031, // "Message can only be modified within 14 days after sending."
  invalidChatId: 232006,
  uploadInvalidParam: 234001,
  fileNotInMessage: 234003, // resource download for an unknown (message_id, file_key)
  emptyFile: 234010,
  noUserAuthority: 41050, // contact user unknown to the fake (outside the app's contact scope)
  invalidUserId: 41012, // contact user id with the wrong prefix for its user_id_type
  taskInvalid: 1470400, // Tasks v2: a bad field (summary, due, members, update_fields)
  taskNotFound: 1470404, // Tasks v2: unknown or deleted task guid
} as const;

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
export interface FakeTaskMember {
  id: string;
  type: string;
  role: string;
}
/** A Tasks v2 task as the fake holds it; a deleted one stays, marked, so tests can see it went. */
export interface FakeTask {
  guid: string;
  summary: string;
  description: string;
  due?: { timestamp: string; is_all_day?: boolean };
  /** Epoch ms as a string; '0' while not completed (as Lark answers). */
  completedAt: string;
  members: FakeTaskMember[];
  origin?: unknown;
  clientToken?: string;
  deleted: boolean;
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
  /** Accepted urgent_app / urgent_sms calls, with the receivers that were valid (members of the chat). */
  urgents: { messageId: string; userIds: string[]; mode: 'app' | 'sms'; at: number }[];
  chats: { chatId: string; name: string; members: string[] }[];
  /** Tasks v2 tasks created through the API. */
  tasks: FakeTask[];
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
  /** Unread urgents Lark holds for a receiver (open_id); at 200 the next urgent is refused. */
  setUnreadUrgents(openId: string, n: number): void;
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
