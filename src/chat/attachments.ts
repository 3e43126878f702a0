import { ACTION, act } from '../../cards/actions.js';
import { evidencePickCard } from '../../cards/evidence.js';
import { LOCAL_MODE_TEXT } from '../services/evidence/common.js';
import { receiveEvidence as receiveEvidenceFile } from '../services/evidence/receive.js';
import type { MessageFiles } from '../services/files.js';
import { isStaff } from '../services/people/read.js';
import {
  IMPORT_LOCAL_MODE_TEXT,
  isSpreadsheetName,
  receiveImport as receiveImportFile,
  SAVE_AS_XLSX_TEXT,
} from '../services/spreadsheet/import-receive.js';
import type { CommandContext, CommandReply } from './context.js';

/** An image or file message that is not a command: what handleMessage calls (MessageDeps.onAttachment). */
export type AttachmentContext = Omit<CommandContext, 'args' | 'rawArgs'>;

/**
 * A spreadsheet that staff send without reply context is a list to import; anything else (an
 * image, a reply to a problem card, a file from a unit contact) stays evidence.
 */
export function isImportUpload(ctx: Pick<CommandContext, 'msg' | 'actor'>): boolean {
  const m = ctx.msg;
  return (
    m.kind === 'file' &&
    isSpreadsheetName(m.fileName ?? '') &&
    !m.parentId &&
    !m.rootId &&
    isStaff(ctx.actor.roles)
  );
}

/** Evidence: queued for the problem it answers, or the sender is asked which open problem it is for. */
export async function receiveEvidence(
  files: MessageFiles | undefined,
  ctx: AttachmentContext,
): Promise<CommandReply> {
  const { msg } = ctx;
  const { kind, fileKey } = msg;
  if ((kind !== 'image' && kind !== 'file') || !fileKey) return { none: true };
  if (!files) return { text: LOCAL_MODE_TEXT };
  const r = await receiveEvidenceFile(ctx, {
    messageId: msg.messageId,
    chatId: msg.chatId,
    fileKey,
    kind,
    fileName: msg.fileName,
    parentId: msg.parentId,
    rootId: msg.rootId,
  });
  // Queued: the job answers once the file is stored (or refused), naming the problem.
  if (r.status === 'queued') return { none: true };
  if (r.status === 'no_open_problem')
    return { text: '已收到文件。您目前没有可提交佐证材料的未办结问题；如需提交，请回复相应问题的卡片发送。' };
  // audience: only the sender may answer this card (checked again on the click).
  ctx.send({
    msgType: 'interactive',
    content: evidencePickCard(r.name, r.open, (p) =>
      act(ACTION.evidenceAttach, {
        pid: p.id,
        mid: msg.messageId,
        fk: fileKey,
        kind,
        name: r.name,
      }),
    ),
    purpose: 'evidence_pick',
    audience: ctx.actor.openId,
    replyTo: { messageId: msg.messageId, chatId: msg.chatId },
  });
  return { none: true };
}

/** 导入问题清单: the download is queued in the event's transaction; the job answers with the preview. */
export async function receiveImport(
  files: MessageFiles | undefined,
  ctx: Pick<CommandContext, 'tx' | 'msg' | 'actor'>,
): Promise<CommandReply> {
  const { msg } = ctx;
  if (msg.kind !== 'file' || !msg.fileKey) return { none: true };
  const r = await receiveImportFile(ctx, {
    messageId: msg.messageId,
    chatId: msg.chatId,
    fileKey: msg.fileKey,
    fileName: msg.fileName,
    canDownload: files !== undefined,
  });
  if (r.status === 'unreadable') return { text: SAVE_AS_XLSX_TEXT };
  if (r.status === 'local_mode') return { text: IMPORT_LOCAL_MODE_TEXT };
  return { none: true };
}

/** The attachment handler of a message intake: import or evidence. */
export function onAttachment(files: MessageFiles | undefined) {
  return (ctx: AttachmentContext): Promise<CommandReply> =>
    isImportUpload(ctx) ? receiveImport(files, ctx) : receiveEvidence(files, ctx);
}
