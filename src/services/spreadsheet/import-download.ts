import { randomBytes } from 'node:crypto';
import { lt } from 'drizzle-orm';
import {
  ERRORS_SHOWN,
  type ImportPreviewView,
  importPreviewCard,
  issueLine,
  MAX_UNKNOWN_UNITS,
} from '../../../cards/import.js';
import { CARD_LIMIT_BYTES, type Card, fitCard } from '../../../cards/kit.js';
import { importDrafts } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { cardWindowStart } from '../../domain/card-window.js';
import { DomainError } from '../../domain/errors.js';
import { enqueue } from '../../outbox/enqueue.js';
import { type JobHandler, PermanentJobError } from '../../queue/queue.js';
import { type CampaignRow, currentCampaign } from '../campaigns/read.js';
import { downloadFailure, downloadForJob, type MessageFiles } from '../files.js';
import { jobCtx } from '../job-ctx.js';
import { finishWithLookups } from '../lookups.js';
import { resolvePerson } from '../people/person-ref.js';
import { isStaff } from '../people/read.js';
import { allUnits } from '../units/read.js';
import { type DraftPayload, hasWork, type ImportDeps, previewView, validateDraft } from './draft.js';
import {
  DownloadJob,
  IMPORT_LOCAL_MODE_TEXT,
  IMPORT_MAX_BYTES,
  IMPORT_TOO_LARGE_TEXT,
} from './import-receive.js';
import { readWorkbook, type WorkbookContent } from './read.js';
import { prepareUnits } from './validate.js';

/**
 * 导入问题清单, the job: downloads and reads the workbook, checks every row, keeps a draft and
 * answers with the preview card.
 */

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
  files?: MessageFiles;
}

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

/** The uploader's current campaign, which the rows go into; an archived one gets the reply instead. */
async function openCampaignOf(tx: Tx, j: DownloadJob): Promise<CampaignRow | undefined> {
  const campaign = await currentCampaign(tx, j.uploader);
  if (campaign.state === 'open') return campaign;
  await replyText(
    tx,
    j,
    `「${j.fileName}」未导入：议题「${campaign.name}」已归档，不能再新增问题。请用 /议题 切换 <名称> 切换到进行中的议题后重新发送文件。`,
  );
  return undefined;
}

/** The download-and-preview job. Re-running it after a crash makes one more draft at most, never an import. */
export function importDownloadJob(deps: ImportJobDeps): JobHandler {
  return {
    async run(raw, job) {
      const parsed = DownloadJob.safeParse(raw);
      if (!parsed.success) throw new PermanentJobError('任务内容无效');
      const j = parsed.data;
      const got = await downloadForJob(
        deps.files,
        { messageId: j.messageId, fileKey: j.fileKey, type: 'file' },
        IMPORT_MAX_BYTES,
        IMPORT_LOCAL_MODE_TEXT,
      );
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
        (token) => resolvePerson(deps.db, deps.directory, [], token, job.now),
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
        const ctx = await jobCtx(deps, directory, tx, j.uploader, job.now);
        if (!isStaff(ctx.actor.roles)) return replyText(tx, j, '只有工作人员可以导入问题清单。');
        const campaign = await openCampaignOf(tx, j);
        if (!campaign) return;
        payload.campaignId = campaign.id;
        const v = await validateDraft(ctx, payload, campaign);
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
        const view = previewView(payload, v, campaign, id);
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
      await replyText(
        tx,
        j.data,
        `「${j.data.fileName}」导入失败：${downloadFailure(error)}。请稍后重新发送。`,
      );
    },
  };
}
