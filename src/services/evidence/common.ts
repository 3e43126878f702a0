import { and, desc, eq, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { blobs, problemCoUnits, problems } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { canSee } from '../../domain/capabilities.js';
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import { allows, OPEN_STATES, STATE_LABEL } from '../../domain/problem.js';
import type { Actor } from '../context.js';
import { contactUnitIds, findProblem, type ProblemRow, relationOf } from '../problems/load.js';

/**
 * 佐证材料: an image or file sent as a reply to (or in the thread of) a message about a problem
 * is attached to it (README.md "Cards and buttons"). The webhook only queues a download job
 * (Lark gives up after 3 s); the job fetches the bytes, stores them once per sha256 and answers.
 */

/** Bytes are kept in the database (blobs), so a cap keeps one upload from bloating it; Lark allows 100 MB. */
export const EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;
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

/** The file a message carries, as the download job needs it. */
export type EvidenceFile = Omit<EvidenceJob, 'problemId' | 'uploader' | 'unitId'>;

export function checkOpen(p: ProblemRow): void {
  if (!allows('evidence', p.state))
    throw conflict(
      `${p.code} 当前状态为「${STATE_LABEL[p.state as keyof typeof STATE_LABEL] ?? p.state}」，不能再提交佐证材料。`,
    );
}

/** The unit the sender submits for: the lead unit if theirs, else their cooperating unit; others are refused. */
export async function evidenceUnit(conn: Conn, actor: Actor, p: ProblemRow): Promise<number> {
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

/** A problem whose evidence the actor may see. */
export async function viewableProblem(conn: Conn, actor: Actor, pid: number): Promise<ProblemRow> {
  const p = await findProblem(conn, pid);
  if (!canSee(await relationOf(conn, actor.openId, actor.roles, p)))
    throw forbidden(`您无权查看 ${p.code} 的佐证材料。`);
  return p;
}

/** A stored file, ready to be sent: its name and bytes. */
export interface EvidenceBytes {
  name: string;
  bytes: Buffer;
}

export async function bytesOf(conn: Conn, e: { sha256: string; name: string }): Promise<EvidenceBytes> {
  const [b] = await conn.select({ bytes: blobs.bytes }).from(blobs).where(eq(blobs.sha256, e.sha256));
  if (!b) throw notFound('该材料的文件已不存在。');
  return { name: e.name, bytes: b.bytes };
}
