import { z } from 'zod';
import { cleanDeep } from '../domain/text.js';

/** Lark payload shapes (docs/lark.md §1, §4). Parsed, never cast; unknown fields pass through untouched. */

export const UrlVerification = z.object({
  type: z.literal('url_verification'),
  challenge: z.string(),
  token: z.string().optional(),
});
export type UrlVerification = z.infer<typeof UrlVerification>;

export const Header = z.object({
  event_id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  token: z.string().optional(),
  app_id: z.string().optional(),
  tenant_key: z.string().optional(),
});

export const Envelope = z.object({
  schema: z.literal('2.0'),
  header: Header,
  // Every string from Lark (card values, form values, names) is cleaned once, here (src/domain/text.ts).
  event: z.record(z.string(), z.unknown()).transform(cleanDeep),
});
export type Envelope = z.infer<typeof Envelope>;

const UserIds = z.object({
  open_id: z.string().min(1),
  union_id: z.string().optional(),
  user_id: z.string().optional().nullable(),
});

export const Mention = z.object({
  key: z.string(),
  id: z.object({
    open_id: z.string().optional(),
    union_id: z.string().optional(),
    user_id: z.string().optional(),
  }),
  name: z.string().default(''),
  tenant_key: z.string().optional(),
});
export type Mention = z.infer<typeof Mention>;

export const MessageReceive = z.object({
  sender: z.object({
    sender_id: UserIds,
    sender_type: z.string().default('user'),
    tenant_key: z.string().optional(),
  }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    thread_id: z.string().optional(),
    create_time: z.string().optional(),
    chat_id: z.string().min(1),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(Mention).optional(),
  }),
});
export type MessageReceive = z.infer<typeof MessageReceive>;

export const TextContent = z.object({ text: z.string() });
export const ImageContent = z.object({ image_key: z.string().min(1) });
export const FileContent = z.object({ file_key: z.string().min(1), file_name: z.string().optional() });

const PostNode = z
  .object({
    tag: z.string(),
    text: z.string().optional(),
    href: z.string().optional(),
    user_id: z.string().optional(),
    user_name: z.string().optional(),
    image_key: z.string().optional(),
    file_key: z.string().optional(),
  })
  .loose();
const PostBody = z.object({ title: z.string().optional(), content: z.array(z.array(PostNode)) });
/** Received posts may or may not be locale-wrapped ({"zh_cn": {...}}); accept both. */
export const PostContent = z.union([
  PostBody,
  z.record(z.string(), PostBody).transform((r) => Object.values(r)[0]!),
]);
export type PostBody = z.infer<typeof PostBody>;

export const CardAction = z.object({
  operator: UserIds.extend({ tenant_key: z.string().optional() }),
  token: z.string().optional(),
  action: z.object({
    tag: z.string().optional(),
    name: z.string().optional(),
    value: z.record(z.string(), z.unknown()).optional().default({}),
    form_value: z.record(z.string(), z.unknown()).optional(),
    option: z.string().optional(),
    options: z.array(z.string()).optional(),
    input_value: z.string().optional(),
    checked: z.boolean().optional(),
    timezone: z.string().optional(),
  }),
  context: z
    .object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() })
    .optional()
    .default({}),
  host: z.string().optional(),
});
export type CardAction = z.infer<typeof CardAction>;

/** The parts of an incoming message the command layer needs, whatever its Lark type. */
export interface IncomingMessage {
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  senderUnionId?: string;
  senderUserId?: string;
  parentId?: string;
  rootId?: string;
  threadId?: string;
  kind: 'text' | 'image' | 'file' | 'other';
  /** Text with mention placeholders resolved: bot mention removed, others as @name. */
  text: string;
  /** People mentioned, other than the bot. */
  mentions: { openId: string; name: string }[];
  /** image_key or file_key for image / file messages (and post images). */
  fileKey?: string;
  fileName?: string;
  /** Sent as a rich-text post (anonymous feedback refuses those: docs/decisions/0004-anonymity.md). */
  rich?: boolean;
}

function textOfPost(
  post: PostBody,
  mentionsByUser: Map<string, string>,
): { text: string; imageKey?: string } {
  let imageKey: string | undefined;
  const lines = post.content.map((para) =>
    para
      .map((n) => {
        if (n.tag === 'text' || n.tag === 'a') return n.text ?? '';
        if (n.tag === 'at')
          return n.user_id ? (mentionsByUser.get(n.user_id) ?? `@${n.user_name ?? ''}`) : '';
        if (n.tag === 'img' && n.image_key) imageKey ??= n.image_key;
        return '';
      })
      .join(''),
  );
  return { text: [post.title ?? '', ...lines].filter(Boolean).join('\n'), imageKey };
}

/**
 * Turns im.message.receive_v1 into an IncomingMessage. Mentions: the bot's own is
 * stripped; other people's are kept as "@Name" in the text and listed with their open_id.
 */
export function toIncoming(
  eventId: string,
  m: MessageReceive,
  botOpenId: string | undefined,
): IncomingMessage | undefined {
  const mentions = m.message.mentions ?? [];
  const isBot = (x: Mention) =>
    botOpenId
      ? x.id.open_id === botOpenId
      : mentions.length > 0 && x === mentions[0] && m.message.chat_type === 'group';
  const others = mentions.filter((x) => !isBot(x) && x.id.open_id);
  const replaceMentions = (s: string) => {
    let out = s;
    for (const x of mentions) out = out.split(x.key).join(isBot(x) ? '' : `@${x.name}`);
    return out.replace(/\s+/g, ' ').trim();
  };
  const base = {
    eventId,
    messageId: m.message.message_id,
    chatId: m.message.chat_id,
    chatType: m.message.chat_type === 'p2p' ? ('p2p' as const) : ('group' as const),
    senderOpenId: m.sender.sender_id.open_id,
    senderUnionId: m.sender.sender_id.union_id,
    senderUserId: m.sender.sender_id.user_id ?? undefined,
    parentId: m.message.parent_id || undefined,
    rootId: m.message.root_id || undefined,
    threadId: m.message.thread_id || undefined,
    mentions: others.map((x) => ({ openId: x.id.open_id!, name: x.name })),
  };
  let content: unknown;
  try {
    content = cleanDeep(JSON.parse(m.message.content));
  } catch {
    return undefined;
  }
  switch (m.message.message_type) {
    case 'text': {
      const t = TextContent.safeParse(content);
      return t.success ? { ...base, kind: 'text', text: replaceMentions(t.data.text) } : undefined;
    }
    case 'post': {
      const p = PostContent.safeParse(content);
      if (!p.success) return undefined;
      const byUser = new Map(mentions.map((x) => [x.key, isBot(x) ? '' : `@${x.name}`]));
      const { text, imageKey } = textOfPost(p.data, byUser);
      return { ...base, kind: 'text', text: replaceMentions(text), fileKey: imageKey, rich: true };
    }
    case 'image': {
      const i = ImageContent.safeParse(content);
      return i.success ? { ...base, kind: 'image', text: '', fileKey: i.data.image_key } : undefined;
    }
    case 'file': {
      const f = FileContent.safeParse(content);
      return f.success
        ? { ...base, kind: 'file', text: '', fileKey: f.data.file_key, fileName: f.data.file_name }
        : undefined;
    }
    default:
      return { ...base, kind: 'other', text: '' };
  }
}

/** task.task.updated_v1 (tasks this app created): which task, and what happened (5 = completed). */
export const TaskUpdated = z.object({ task_id: z.string().min(1), obj_type: z.number().int() });
export const TASK_COMPLETED = 5;
