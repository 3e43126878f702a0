import type { Conn } from '../../db.js';
import { enqueueJob } from '../../queue/queue.js';
import type { Actor } from '../context.js';
import type { ProblemRow } from '../problems/load.js';
import { checkOpen, EVIDENCE_JOB, type EvidenceFile, type EvidenceJob, evidenceUnit } from './common.js';

/** Queues the download in the caller's transaction, after checking state and authority again. */
export async function queueEvidence(
  conn: Conn,
  actor: Actor,
  p: ProblemRow,
  file: EvidenceFile,
): Promise<void> {
  checkOpen(p);
  const unitId = await evidenceUnit(conn, actor, p);
  const job: EvidenceJob = { ...file, problemId: p.id, uploader: actor.openId, unitId };
  await enqueueJob(conn, EVIDENCE_JOB, job);
}
