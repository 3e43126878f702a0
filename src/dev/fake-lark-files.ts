/** The fake's file/image uploads and group chats. */

import {
  type Ctx,
  type FakeState,
  fail,
  ok,
  parseMultipart,
  type Reply,
  str,
  strList,
} from './fake-lark-core.js';
import { LarkCodes } from './fake-lark-types.js';

export function uploadFile(s: FakeState, ctx: Ctx): Reply {
  const form = parseMultipart(ctx.raw, String(ctx.headers['content-type'] ?? ''));
  const fileType = form.get('file_type')?.data.toString();
  const fileName = form.get('file_name')?.data.toString();
  const file = form.get('file')?.data;
  if (!fileType || !fileName || !file) return fail(LarkCodes.uploadInvalidParam, 'Invalid request param.');
  if (file.length === 0) return fail(LarkCodes.emptyFile, "File's size can't be 0.");
  const fileKey = `file_v3_${++s.seq}`;
  s.fake.uploads.push({ fileKey, fileType, fileName, bytes: Buffer.from(file) });
  return ok({ file_key: fileKey });
}

export function uploadImage(s: FakeState, ctx: Ctx): Reply {
  const form = parseMultipart(ctx.raw, String(ctx.headers['content-type'] ?? ''));
  const image = form.get('image')?.data;
  if (!form.get('image_type') || !image) return fail(LarkCodes.uploadInvalidParam, 'Invalid request param.');
  if (image.length === 0) return fail(LarkCodes.emptyFile, "File's size can't be 0.");
  const imageKey = `img_v3_${++s.seq}`;
  s.fake.imageUploads.push({ imageKey, bytes: Buffer.from(image) });
  return ok({ image_key: imageKey });
}

export function createChat(s: FakeState, ctx: Ctx): Reply {
  const chat = {
    chatId: `oc_${++s.seq}`,
    name: str(ctx.json.name) ?? '',
    members: strList(ctx.json.user_id_list),
  };
  s.fake.chats.push(chat);
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
}

export function addMembers(s: FakeState, ctx: Ctx): Reply {
  const chat = s.fake.chats.find((c) => c.chatId === ctx.params[0]);
  if (!chat) return fail(LarkCodes.invalidChatId, 'Your request specifies a chat_id which is invalid.');
  for (const id of strList(ctx.json.id_list)) if (!chat.members.includes(id)) chat.members.push(id);
  return ok({ invalid_id_list: [], not_existed_id_list: [], pending_approval_id_list: [] });
}
