import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { blobs, evidence, problems } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import type { Db, Tx } from '../../db.js';
import { DomainError } from '../../domain/errors.js';
import type { Logger } from '../../log.js';
import { enqueue } from '../../outbox/enqueue.js';
import { type JobHandler, type JobRun, PermanentJobError } from '../../queue/queue.js';
import type { Directory } from '../directory.js';
import { downloadFailure, downloadForJob, type MessageFiles } from '../files.js';
import { jobCtx } from '../job-ctx.js';
import { finishWithLookups } from '../lookups.js';
import { record, refreshCopies } from '../problems/common.js';
import { lockProblem } from '../problems/load.js';
import {
  checkOpen,
  EVIDENCE_MAX_BYTES,
  EvidenceJob,
  evidenceUnit,
  LOCAL_MODE_TEXT,
  TOO_LARGE_TEXT,
} from './common.js';
import { evidenceName } from './name.js';

/** im.image.create takes at most 10 MB (docs/lark.md §5): larger images keep the sender's key. */
const IMAGE_UPLOAD_MAX = 10 * 1024 * 1024;

export interface EvidenceDeps {
  db: Db;
  config: Config;
  directory: Directory;
  log: Logger;
  lookupBudgetMs?: number;
  files?: MessageFiles;
  maxBytes?: number;
}

async function replyTo(tx: Tx, j: EvidenceJob, text: string): Promise<void> {
  await enqueue(tx, [
    {
      msgType: 'text',
      content: { text },
      purpose: 'evidence_receipt',
      problemId: j.problemId,
      replyTo: { messageId: j.messageId, chatId: j.chatId },
    },
  ]);
}

interface Stored {
  sha256: string;
  bytes: Buffer;
  contentType: string;
  name: string;
  fileKey: string;
}

/** The rows, the history entry, the answer and the card refresh, in the job's final transaction. */
async function store(deps: EvidenceDeps, job: JobRun, j: EvidenceJob, s: Stored): Promise<void> {
  const { sha256, bytes, contentType, name, fileKey } = s;
  await finishWithLookups(
    deps,
    job,
  )(async (tx, directory) => {
    const ctx = await jobCtx(deps, directory, tx, j.uploader, job.now);
    const p = await lockProblem(tx, j.problemId, { archivedOk: true });
    let unitId: number;
    try {
      // State and authority may have changed while the job waited.
      checkOpen(p);
      unitId = await evidenceUnit(tx, ctx.actor, p);
    } catch (e) {
      if (e instanceof DomainError) return replyTo(tx, j, `「${name}」未保存：${e.message}`);
      throw e;
    }
    await tx.insert(blobs).values({ sha256, bytes, size: bytes.length, contentType }).onConflictDoNothing();
    const [row] = await tx
      .insert(evidence)
      .values({
        problemId: p.id,
        sha256,
        name,
        size: bytes.length,
        contentType,
        kind: j.kind,
        fileKey,
        sourceMessageId: j.messageId,
        unitId,
        uploadedBy: j.uploader,
        uploadedAt: job.now,
      })
      .onConflictDoNothing()
      .returning({ id: evidence.id });
    if (!row) return replyTo(tx, j, `该材料已提交过（${p.code}），无需重复提交。`);
    await tx.update(problems).set({ updatedAt: job.now }).where(eq(problems.id, p.id));
    await record(ctx, p, 'evidence', { text: name, unitId, data: { sha256, size: bytes.length } });
    await replyTo(tx, j, `已将佐证材料「${name}」附到 ${p.code}。`);
    // 佐证材料：N 件 on every live copy of the card.
    await refreshCopies(ctx, p);
  });
}

/**
 * The download job. Idempotent: blobs are unique per sha256 and evidence per (problem, sha256),
 * and the rows, the answer and the job's "done" commit together, so a re-run after a crash
 * duplicates nothing.
 */
export function evidenceJob(deps: EvidenceDeps): JobHandler {
  return {
    async run(raw, job) {
      const parsed = EvidenceJob.safeParse(raw);
      if (!parsed.success) throw new PermanentJobError('任务内容无效');
      const j = parsed.data;
      const got = await downloadForJob(
        deps.files,
        { messageId: j.messageId, fileKey: j.fileKey, type: j.kind },
        deps.maxBytes ?? EVIDENCE_MAX_BYTES,
        LOCAL_MODE_TEXT,
      );
      if (!got.ok) return job.finish((tx) => replyTo(tx, j, TOO_LARGE_TEXT));
      const { bytes, contentType } = got;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const name = evidenceName(j, contentType, job.now, deps.config.timezone);
      let fileKey = j.fileKey;
      const files = deps.files!;
      if (j.kind === 'image' && files.uploadImage && bytes.length <= IMAGE_UPLOAD_MAX) {
        // Cards show images by a key the bot owns; without it the card shows the name only.
        fileKey = await files.uploadImage(bytes).catch((e: unknown) => {
          deps.log.warn({ action: 'evidence.image_upload', err: e }, 'kept the sender key');
          return j.fileKey;
        });
      }
      await store(deps, job, j, { sha256, bytes, contentType, name, fileKey });
    },
    async onFailed(raw, error, tx) {
      const j = EvidenceJob.safeParse(raw);
      if (!j.success) return;
      await replyTo(tx, j.data, `佐证材料保存失败：${downloadFailure(error)}。请稍后重新发送。`);
    },
  };
}
