import { z } from 'zod';
import { enqueueJob } from '../../queue/queue.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';

/**
 * 导入问题清单, first half: staff send an .xlsx file to the bot; the webhook only queues a job
 * (Lark waits 3 s at most); the job downloads and reads the workbook, checks every row, keeps a
 * draft and answers with the preview card (import-download.ts). Nothing is imported until 确认导入
 * (import-commit.ts).
 */
export const IMPORT_DOWNLOAD_JOB = 'import.download';
/** A campaign's list is a few hundred KB; the cap also bounds what unzipping may cost. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

export const IMPORT_LOCAL_MODE_TEXT = '当前为本地模式（未连接飞书），无法下载文件，不能导入问题清单。';
export const IMPORT_TOO_LARGE_TEXT =
  '文件超过 5 MB，未导入。请删去无关的工作表、图片后重新发送，或分成几个文件。';

export const DownloadJob = z.object({
  messageId: z.string().min(1),
  chatId: z.string().optional(),
  fileKey: z.string().min(1),
  fileName: z.string().max(300),
  uploader: z.string().min(1),
});
export type DownloadJob = z.infer<typeof DownloadJob>;

/** Spreadsheets staff may mean to import; only the OOXML ones can be read. */
const SPREADSHEET = /\.(xlsx|xlsm|xls|et|csv)$/i;
const READABLE = /\.(xlsx|xlsm)$/i;
export const SAVE_AS_XLSX_TEXT =
  '请将表格另存为 Excel 工作簿（.xlsx）后重新发送。发送 /导入模板 可获取模板。';

/** A file name staff may mean as a list to import (only the OOXML ones can be read). */
export function isSpreadsheetName(fileName: string): boolean {
  return SPREADSHEET.test(fileName);
}

/** The spreadsheet a staff member sent, and whether its bytes can be fetched (not in local mode). */
export const ReceiveImportInput = z.object({
  messageId: z.string().min(1),
  chatId: z.string().optional(),
  fileKey: z.string().min(1),
  fileName: z.string().optional(),
  canDownload: z.boolean(),
});
export type ReceiveImportInput = z.input<typeof ReceiveImportInput>;

export type ReceivedImport = { status: 'queued' } | { status: 'unreadable' } | { status: 'local_mode' };

/** Queues the download in the event's transaction; the job answers with the preview. */
export async function receiveImport(
  ctx: Pick<ServiceCtx, 'tx' | 'actor'>,
  input: ReceiveImportInput,
): Promise<ReceivedImport> {
  const i = ReceiveImportInput.parse(input);
  mustStaff(ctx.actor, '导入问题清单');
  if (!READABLE.test(i.fileName ?? '')) return { status: 'unreadable' };
  if (!i.canDownload) return { status: 'local_mode' };
  const job: DownloadJob = {
    messageId: i.messageId,
    chatId: i.chatId,
    fileKey: i.fileKey,
    fileName: (i.fileName ?? '清单.xlsx').slice(0, 300),
    uploader: ctx.actor.openId,
  };
  await enqueueJob(ctx.tx, IMPORT_DOWNLOAD_JOB, job);
  return { status: 'queued' };
}
