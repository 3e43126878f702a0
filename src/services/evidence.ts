import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { ACTION, act } from '../../cards/actions.js';
import { evidencePickCard } from '../../cards/evidence.js';
import { blobs, evidence, outbox, problemCoUnits, problems } from '../../db/schema/index.js';
import type { CommandContext, CommandReply } from '../chat/context.js';
import type { Config } from '../config.js';
import type { Conn, Db, Tx } from '../db.js';
import { conflict, DomainError, forbidden } from '../domain/errors.js';
import { allows, OPEN_STATES, STATE_LABEL } from '../domain/problem.js';
import type { Downloaded, LarkFiles } from '../lark/files.js';
import { classifyLarkError } from '../lark/messenger.js';
import type { Logger } from '../log.js';
import { enqueue } from '../outbox/enqueue.js';
import { enqueueJob, type JobHandler, PermanentJobError } from '../queue/queue.js';
import { loadCalendar } from './calendar.js';
import type { ServiceCtx } from './context.js';
import type { Directory } from './directory.js';
import { finishWithLookups } from './lookups.js';
import { resolveName, rolesOf } from './people.js';
import { record, refreshCopies } from './problems/common.js';
import { contactUnitIds, findProblem, lockProblem, type ProblemRow, relationOf } from './problems/load.js';

/**
 * 佐证材料: an image or file sent as a reply to (or in the thread of) a message about a problem
 * is attached to it (README.md "Cards and buttons"). The webhook only queues a download job
 * (Lark gives up after 3 s); the job fetches the bytes, stores them once per sha256 and answers.
 */

/** Bytes are kept in the database (blobs), so a cap keeps one upload from bloating it; Lark allows 100 MB. */
export const EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;
/** im.image.create takes at most 10 MB (docs/lark.md §5): larger images keep the sender's key. */
const IMAGE_UPLOAD_MAX = 10 * 1024 * 1024;
export const EVIDENCE_JOB = 'evidence.download';

export const LOCAL_MODE_TEXT = '当前为本地模式（未连接飞书），无法下载佐证材料。';
export const TOO_LARGE_TEXT = '文件超过 20 MB，未保存。请压缩后重新发送，或分多次发送。';

/** What the download job carries: enough to fetch the resource and to answer the sender. */
export const EvidenceJob = z.object({
  messageId: z.string().min(1),
  chatId: z.string().optional(),
  fileKey: z.string().min(1),
  kind: z.enum(['image', 'file']),
  fileName: z.string().optional(),
  problemId: z.number().int().positive(),
  uploader: z.string().min(1),
  unitId: z.number().int().positive(),
});
export type EvidenceJob = z.infer<typeof EvidenceJob>;

export function checkOpen(p: ProblemRow): void {
  if (!allows('evidence', p.state))
    throw conflict(`${p.code} 当前状态为「${STATE_LABEL[p.state] ?? p.state}」，不能再提交佐证材料。`);
}

/** The unit the sender submits for: the lead unit if theirs, else their cooperating unit; others are refused. */
export async function evidenceUnit(conn: Conn, actor: ServiceCtx['actor'], p: ProblemRow): Promise<number> {
  const r = await relationOf(conn, actor.openId, actor.roles, p);
  if (r.lead) return p.leadUnitId;
  if (r.co) {
    const mine = await contactUnitIds(conn, actor.openId);
    const [co] = await conn
      .select({ unitId: problemCoUnits.unitId })
      .from(problemCoUnits)
      .where(and(eq(problemCoUnits.problemId, p.id), inArray(problemCoUnits.unitId, mine)));
    if (co) return co.unitId;
  }
  throw forbidden(`只有 ${p.code} 牵头或配合单位的联络员可以提交佐证材料。`);
}

/** Queues the download in the caller's transaction, after checking state and authority again. */
export async function queueEvidence(
  conn: Conn,
  actor: ServiceCtx['actor'],
  p: ProblemRow,
  file: Omit<EvidenceJob, 'problemId' | 'uploader' | 'unitId'>,
): Promise<void> {
  checkOpen(p);
  const unitId = await evidenceUnit(conn, actor, p);
  const job: EvidenceJob = { ...file, problemId: p.id, uploader: actor.openId, unitId };
  await enqueueJob(conn, EVIDENCE_JOB, job);
}

/** The problem a reply or thread is about: our message it answers carries the problem's id. */
async function problemOfContext(conn: Conn, ids: string[]): Promise<number | undefined> {
  if (!ids.length) return undefined;
  const rows = await conn
    .select({ problemId: outbox.problemId, sentMessageId: outbox.sentMessageId })
    .from(outbox)
    .where(and(inArray(outbox.sentMessageId, ids), isNotNull(outbox.problemId)));
  // The direct parent wins over the thread's root.
  for (const id of ids) {
    const hit = rows.find((r) => r.sentMessageId === id);
    if (hit) return hit.problemId!;
  }
  return undefined;
}

/** Open problems the person is a contact for (lead or cooperating), latest deadline first. */
export async function openProblemsOf(conn: Conn, openId: string, limit = 20): Promise<ProblemRow[]> {
  const mine = await contactUnitIds(conn, openId);
  if (!mine.length) return [];
  const co = conn
    .select({ id: problemCoUnits.problemId })
    .from(problemCoUnits)
    .where(inArray(problemCoUnits.unitId, mine));
  return conn
    .select()
    .from(problems)
    .where(
      and(
        inArray(problems.state, OPEN_STATES),
        or(inArray(problems.leadUnitId, mine), inArray(problems.id, co)),
      ),
    )
    .orderBy(desc(problems.deadline), desc(problems.id))
    .limit(limit);
}

/** An image or file message that is not a command (wired as MessageDeps.onAttachment). */
export async function receiveEvidence(
  files: LarkFiles | undefined,
  ctx: Omit<CommandContext, 'args' | 'rawArgs'>,
): Promise<CommandReply> {
  const { msg } = ctx;
  if ((msg.kind !== 'image' && msg.kind !== 'file') || !msg.fileKey) return { none: true };
  if (!files) return { text: LOCAL_MODE_TEXT };
  const file = {
    messageId: msg.messageId,
    chatId: msg.chatId,
    fileKey: msg.fileKey,
    kind: msg.kind,
    fileName: msg.fileName,
  };
  const pid = await problemOfContext(
    ctx.tx,
    [msg.parentId, msg.rootId].filter((x): x is string => !!x),
  );
  if (pid !== undefined) {
    // No row lock: the job checks state and authority again before it stores anything.
    const p = await findProblem(ctx.tx, pid);
    await queueEvidence(ctx.tx, ctx.actor, p, file);
    // The job answers once the file is stored (or refused), naming the problem.
    return { none: true };
  }
  const open = await openProblemsOf(ctx.tx, ctx.actor.openId);
  if (!open.length)
    return { text: '已收到文件。您目前没有可提交佐证材料的未办结问题；如需提交，请回复相应问题的卡片发送。' };
  const name = (msg.fileName ?? (msg.kind === 'image' ? '图片' : '文件')).slice(0, 100);
  // audience: only the sender may answer this card (checked again on the click).
  ctx.send({
    msgType: 'interactive',
    content: evidencePickCard(name, open, (p) =>
      act(ACTION.evidenceAttach, { pid: p.id, mid: file.messageId, fk: file.fileKey, kind: file.kind, name }),
    ),
    purpose: 'evidence_pick',
    audience: ctx.actor.openId,
    replyTo: { messageId: msg.messageId, chatId: msg.chatId },
  });
  return { none: true };
}

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
};

/** 图片-20260501-143005.jpg for images (Lark gives them no name); the sender's file name, made safe, for files. */
export function evidenceName(
  j: Pick<EvidenceJob, 'kind' | 'fileName'>,
  contentType: string,
  now: Date,
  tz: string,
): string {
  const clean = [...(j.fileName ?? '')]
    .map((c) => (c < ' ' || c === '/' || c === '\\' ? '_' : c))
    .join('')
    .trim()
    .slice(-200);
  if (j.kind === 'file' && clean) return clean;
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).formatToParts(now);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  const stamp = `${g('year')}${g('month')}${g('day')}-${g('hour')}${g('minute')}${g('second')}`;
  return j.kind === 'image' ? `图片-${stamp}.${EXT[contentType] ?? 'png'}` : `文件-${stamp}`;
}

export interface EvidenceDeps {
  db: Db;
  config: Config;
  directory: Directory;
  log: Logger;
  lookupBudgetMs?: number;
  files?: LarkFiles;
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

/**
 * The uploader acting, as services expect it (history and audit name them). `directory` is the
 * job's prepared one (finishWithLookups): nothing here waits on Lark inside the transaction.
 */
async function uploaderCtx(
  deps: EvidenceDeps,
  directory: Directory,
  tx: Tx,
  openId: string,
  now: Date,
): Promise<ServiceCtx> {
  const actor = {
    openId,
    name: await resolveName(tx, directory, openId, { now }),
    roles: await rolesOf(tx, openId, deps.config.adminOpenIds),
  };
  return { tx, actor, now, config: deps.config, directory, calendar: await loadCalendar(tx) };
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
      if (!deps.files) throw new PermanentJobError(LOCAL_MODE_TEXT);
      let got: Downloaded;
      try {
        got = await deps.files.download(
          { messageId: j.messageId, fileKey: j.fileKey, type: j.kind },
          deps.maxBytes ?? EVIDENCE_MAX_BYTES,
        );
      } catch (e) {
        const c = classifyLarkError(e, 'download');
        if (!c.ok && !c.retry)
          throw new PermanentJobError(`飞书拒绝了下载请求${c.code ? `（错误码 ${c.code}）` : ''}`);
        throw e;
      }
      if (!got.ok) return job.finish((tx) => replyTo(tx, j, TOO_LARGE_TEXT));
      const { bytes, contentType } = got;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const name = evidenceName(j, contentType, job.now, deps.config.timezone);
      let fileKey = j.fileKey;
      if (j.kind === 'image' && deps.files.uploadImage && bytes.length <= IMAGE_UPLOAD_MAX) {
        // Cards show images by a key the bot owns; without it the card shows the name only.
        fileKey = await deps.files.uploadImage(bytes).catch((e) => {
          deps.log.warn({ action: 'evidence.image_upload', err: e }, 'kept the sender key');
          return j.fileKey;
        });
      }
      await finishWithLookups(
        deps,
        job,
      )(async (tx, directory) => {
        const ctx = await uploaderCtx(deps, directory, tx, j.uploader, job.now);
        const p = await lockProblem(tx, j.problemId);
        let unitId: number;
        try {
          // State and authority may have changed while the job waited.
          checkOpen(p);
          unitId = await evidenceUnit(tx, ctx.actor, p);
        } catch (e) {
          if (e instanceof DomainError) return replyTo(tx, j, `「${name}」未保存：${e.message}`);
          throw e;
        }
        await tx
          .insert(blobs)
          .values({ sha256, bytes, size: bytes.length, contentType })
          .onConflictDoNothing();
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
    },
    async onFailed(raw, error, tx) {
      const j = EvidenceJob.safeParse(raw);
      if (!j.success) return;
      const why =
        error instanceof PermanentJobError ? error.message.replace(/。$/, '') : '暂时无法从飞书下载';
      await replyTo(tx, j.data, `佐证材料保存失败：${why}。请稍后重新发送。`);
    },
  };
}
