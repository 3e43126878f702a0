import { randomBytes } from 'node:crypto';
import { lt } from 'drizzle-orm';
import { z } from 'zod';
import {
  ERRORS_SHOWN,
  type ImportPreviewView,
  importPreviewCard,
  issueLine,
  MAX_UNKNOWN_UNITS,
} from '../../../cards/import.js';
import { CARD_LIMIT_BYTES, type Card, fitCard } from '../../../cards/kit.js';
import { importDrafts } from '../../../db/schema/index.js';
import type { CommandContext, CommandReply } from '../../chat/context.js';
import type { Tx } from '../../db.js';
import { cardWindowStart } from '../../domain/card-window.js';
import { DomainError } from '../../domain/errors.js';
import type { Downloaded, LarkFiles } from '../../lark/files.js';
import { classifyLarkError } from '../../lark/messenger.js';
import { enqueue } from '../../outbox/enqueue.js';
import { enqueueJob, type JobHandler, PermanentJobError } from '../../queue/queue.js';
import { finishWithLookups } from '../lookups.js';
import { isStaff } from '../people.js';
import { resolvePerson } from '../person-ref.js';
import { allUnits } from '../units.js';
import {
  actorCtx,
  type DraftPayload,
  hasWork,
  type ImportDeps,
  previewView,
  validateDraft,
} from './draft.js';
import { readWorkbook, type WorkbookContent } from './read.js';
import { prepareUnits } from './validate.js';

/**
 * 导入问题清单, first half: staff send an .xlsx file to the bot; the webhook only queues a job
 * (Lark waits 3 s at most); the job downloads and reads the workbook, checks every row, keeps a
 * draft and answers with the preview card. Nothing is imported until 确认导入 (import-commit.ts).
 */
export const IMPORT_DOWNLOAD_JOB = 'import.download';
/** A campaign's list is a few hundred KB; the cap also bounds what unzipping may cost. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

export const IMPORT_LOCAL_MODE_TEXT = '当前为本地模式（未连接飞书），无法下载文件，不能导入问题清单。';
export const IMPORT_TOO_LARGE_TEXT =
  '文件超过 5 MB，未导入。请删去无关的工作表、图片后重新发送，或分成几个文件。';

const DownloadJob = z.object({
  messageId: z.string().min(1),
  chatId: z.string().optional(),
  fileKey: z.string().min(1),
  fileName: z.string().max(300),
  uploader: z.string().min(1),
});
type DownloadJob = z.infer<typeof DownloadJob>;

/** Spreadsheets staff may mean to import; only the OOXML ones can be read. */
const SPREADSHEET = /\.(xlsx|xlsm|xls|et|csv)$/i;
const READABLE = /\.(xlsx|xlsm)$/i;
export const SAVE_AS_XLSX_TEXT =
  '请将表格另存为 Excel 工作簿（.xlsx）后重新发送。发送 /导入模板 可获取模板。';

/**
 * A spreadsheet that staff send without reply context is a list to import; anything else (an
 * image, a reply to a problem card, a file from a unit contact) stays evidence (services/evidence.ts).
 */
export function isImportUpload(ctx: Pick<CommandContext, 'msg' | 'actor'>): boolean {
  const m = ctx.msg;
  return (
    m.kind === 'file' &&
    SPREADSHEET.test(m.fileName ?? '') &&
    !m.parentId &&
    !m.rootId &&
    isStaff(ctx.actor.roles)
  );
}

/** Queues the download in the event's transaction; the job answers with the preview. */
export async function receiveImport(
  files: LarkFiles | undefined,
  ctx: Pick<CommandContext, 'tx' | 'msg' | 'actor'>,
): Promise<CommandReply> {
  const { msg } = ctx;
  if (msg.kind !== 'file' || !msg.fileKey) return { none: true };
  if (!READABLE.test(msg.fileName ?? '')) return { text: SAVE_AS_XLSX_TEXT };
  if (!files) return { text: IMPORT_LOCAL_MODE_TEXT };
  const job: DownloadJob = {
    messageId: msg.messageId,
    chatId: msg.chatId,
    fileKey: msg.fileKey,
    fileName: (msg.fileName ?? '清单.xlsx').slice(0, 300),
    uploader: ctx.actor.openId,
  };
  await enqueueJob(ctx.tx, IMPORT_DOWNLOAD_JOB, job);
  return { none: true };
}

async function replyText(
  tx: Tx,
  j: Pick<DownloadJob, 'messageId' | 'chatId'>,
  text: string,
  purpose = 'import_preview',
) {
  await enqueue(tx, [
    { msgType: 'text', content: { text }, purpose, replyTo: { messageId: j.messageId, chatId: j.chatId } },
  ]);
}

export interface ImportJobDeps extends ImportDeps {
  files?: LarkFiles;
}

async function download(deps: ImportJobDeps, j: DownloadJob): Promise<Downloaded> {
  if (!deps.files) throw new PermanentJobError(IMPORT_LOCAL_MODE_TEXT);
  try {
    return await deps.files.download(
      { messageId: j.messageId, fileKey: j.fileKey, type: 'file' },
      IMPORT_MAX_BYTES,
    );
  } catch (e) {
    const c = classifyLarkError(e, 'download');
    if (!c.ok && !c.retry)
      throw new PermanentJobError(`飞书拒绝了下载请求${c.code ? `（错误码 ${c.code}）` : ''}`);
    throw e;
  }
}

/** The download-and-preview job. Re-running it after a crash makes one more draft at most, never an import. */
/** The preview with as many error lines as fit under Lark's card limit. */
function fittingCard(view: ImportPreviewView): { card: Card; errorsShown: number } {
  let errorsShown = 0;
  const build = (n: number) => {
    errorsShown = n;
    return importPreviewCard(view, n);
  };
  const card = fitCard([ERRORS_SHOWN, 20, 10, 5], build, {
    limit: CARD_LIMIT_BYTES - 2048,
    otherwise: () => build(0),
  });
  return { card, errorsShown };
}

/** Text messages of at most ~20 KB each (Lark caps a text message at 150 KB). */
function chunks(lines: string[], max = 20_000): string[][] {
  const out: string[][] = [[]];
  let size = 0;
  for (const l of lines) {
    const b = Buffer.byteLength(l) + 1;
    if (size + b > max && out.at(-1)!.length) {
      out.push([]);
      size = 0;
    }
    out.at(-1)!.push(l);
    size += b;
  }
  return out;
}

export function importDownloadJob(deps: ImportJobDeps): JobHandler {
  return {
    async run(raw, job) {
      const parsed = DownloadJob.safeParse(raw);
      if (!parsed.success) throw new PermanentJobError('任务内容无效');
      const j = parsed.data;
      const got = await download(deps, j);
      if (!got.ok) return job.finish((tx) => replyText(tx, j, IMPORT_TOO_LARGE_TEXT));
      let content: WorkbookContent;
      try {
        content = await readWorkbook(got.bytes);
      } catch (e) {
        if (e instanceof DomainError)
          return job.finish((tx) => replyText(tx, j, `「${j.fileName}」未导入：${e.message}`));
        throw e;
      }
      // Contacts are looked up through the contact API here, outside any transaction.
      const units = await prepareUnits(
        content.units,
        content.unitSheet ?? '',
        await allUnits(deps.db),
        (token) => resolvePerson(deps.db, deps.directory, { mentions: [] }, token, job.now),
      );
      const payload: DraftPayload = {
        fileName: j.fileName,
        replyTo: { messageId: j.messageId, chatId: j.chatId },
        problemSheet: content.problemSheet ?? '',
        problems: content.problems,
        units: units.declared,
        unitErrors: units.errors,
        skipped: content.skipped,
      };
      await finishWithLookups(
        deps,
        job,
      )(async (tx, directory) => {
        const ctx = await actorCtx(deps, directory, tx, j.uploader, job.now);
        if (!isStaff(ctx.actor.roles)) return replyText(tx, j, '只有工作人员可以导入问题清单。');
        const v = await validateDraft(ctx, payload);
        const errors = v.errors.length + payload.unitErrors.length;
        let id: string | undefined;
        if (!errors && v.unknown.length <= MAX_UNKNOWN_UNITS && hasWork(payload, v)) {
          id = randomBytes(12).toString('hex');
          // Drafts live as long as the preview's buttons can be clicked (14 days).
          await tx.delete(importDrafts).where(lt(importDrafts.createdAt, cardWindowStart(job.now)));
          await tx.insert(importDrafts).values({
            id,
            createdBy: j.uploader,
            fileName: j.fileName,
            payload: JSON.stringify(payload),
            status: 'pending',
            createdAt: job.now,
          });
        }
        const view = previewView(payload, v, id);
        const { card, errorsShown } = fittingCard(view);
        await enqueue(tx, [
          {
            msgType: 'interactive',
            content: card,
            purpose: 'import_preview',
            replyTo: { messageId: j.messageId, chatId: j.chatId },
          },
        ]);
        // Every error is reported by row: what the card could not hold follows as text.
        if (view.errors.length > errorsShown) {
          const lines = view.errors.map((e) => issueLine(e, view.problemSheet));
          for (const [i, chunk] of chunks(lines).entries())
            await replyText(
              tx,
              j,
              `「${j.fileName}」有误的行（共 ${view.errors.length} 行${i ? `，续 ${i}` : ''}）：\n${chunk.join('\n')}`,
            );
        }
      });
    },
    async onFailed(raw, error, tx) {
      const j = DownloadJob.safeParse(raw);
      if (!j.success) return;
      const why =
        error instanceof PermanentJobError ? error.message.replace(/。$/, '') : '暂时无法从飞书下载';
      await replyText(tx, j.data, `「${j.data.fileName}」导入失败：${why}。请稍后重新发送。`);
    },
  };
}
