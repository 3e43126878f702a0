import { createHash } from 'node:crypto';
import { blobs } from '../../../db/schema/blobs.js';
import { documents } from '../../../db/schema/documents.js';
import { appendAudit } from '../../audit/chain.js';
import { docNumberText } from '../../documents/gongwen.js';
import { todayIn } from '../../domain/dates.js';
import { enqueue, type OutboxMessage } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { allocateNumber, DOCUMENT_LABEL, type DocumentKind } from './series.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

type Target =
  | Extract<OutboxMessage, { to: unknown }>['to']
  | { replyTo: { messageId: string; chatId?: string } };

export interface IssueRequest {
  kind: DocumentKind;
  /** Builds the document once its 文号 and 成文日期 are known. */
  build(docNumber: string, date: string): Promise<Buffer>;
  /** The file name without extension; the 文号 is appended. */
  baseName: string;
  problem?: { id: number; code: string };
  unitId?: number;
  /** Who receives the file message. */
  to: Target;
}

export interface Issued {
  id: number;
  docNumber: string;
  sha256: string;
  fileName: string;
  bytes: Buffer;
}

/**
 * Makes, stores and sends one document in the caller's transaction: 文号, bytes (blobs), the
 * documents row, the audit row and the file message through the outbox. Nothing outbound here:
 * the outbox uploads the file after commit.
 */
export async function issueDocument(ctx: ServiceCtx, r: IssueRequest): Promise<Issued> {
  const date = todayIn(ctx.now, ctx.config.timezone);
  const year = Number(date.slice(0, 4));
  const seq = await allocateNumber(ctx.tx, r.kind, year);
  const docNumber = docNumberText(ctx.config.org.docPrefix, year, seq);
  const bytes = await r.build(docNumber, date);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const fileName = `${r.baseName}（${docNumber}）.docx`;
  await ctx.tx
    .insert(blobs)
    .values({ sha256, bytes, size: bytes.length, contentType: DOCX_TYPE })
    .onConflictDoNothing();
  const [row] = await ctx.tx
    .insert(documents)
    .values({
      kind: r.kind,
      year,
      seq,
      docNumber,
      fileName,
      sha256,
      problemId: r.problem?.id ?? null,
      unitId: r.unitId ?? null,
      createdBy: ctx.actor.openId,
      createdByName: ctx.actor.name,
      createdAt: ctx.now,
    })
    .returning({ id: documents.id });
  if (!row) throw new Error('documents insert returned no row');
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'document',
    subjectType: 'document',
    subjectId: docNumber,
    after: {
      kind: r.kind,
      label: DOCUMENT_LABEL[r.kind],
      docNumber,
      sha256,
      problem: r.problem?.code ?? null,
      unitId: r.unitId ?? null,
    },
  });
  const base = {
    msgType: 'file' as const,
    content: {},
    purpose: `document_${r.kind}`,
    problemId: r.problem?.id,
    file: { name: fileName, bytes },
  };
  await enqueue(ctx.tx, ['replyTo' in r.to ? { ...base, replyTo: r.to.replyTo } : { ...base, to: r.to }]);
  return { id: row.id, docNumber, sha256, fileName, bytes };
}
