import { and, inArray, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { outbox } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import type { ServiceCtx } from '../context.js';
import { findProblem, type ProblemRow } from '../problems/load.js';
import { openProblemsOf } from './common.js';
import { queueEvidence } from './queue.js';

/** An image or file message that is not a command, with the messages it answers. */
export const ReceiveEvidenceInput = z.object({
  messageId: z.string().min(1),
  chatId: z.string().optional(),
  fileKey: z.string().min(1),
  kind: z.enum(['image', 'file']),
  fileName: z.string().optional(),
  parentId: z.string().optional(),
  rootId: z.string().optional(),
});
export type ReceiveEvidenceInput = z.input<typeof ReceiveEvidenceInput>;

/**
 * queued: the download job answers once the file is stored (or refused), naming the problem;
 * no_open_problem: nothing it could belong to; ask: which of these open problems is it for?
 */
export type ReceivedEvidence =
  | { status: 'queued'; problemId: number }
  | { status: 'no_open_problem' }
  | { status: 'ask'; name: string; open: ProblemRow[] };

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

/**
 * A file in reply to a message about a problem is queued for it; any other file is answered with
 * the sender's open problems to pick from. Authority is the problem's own (checked in queueEvidence).
 */
export async function receiveEvidence(
  ctx: Pick<ServiceCtx, 'tx' | 'actor'>,
  input: ReceiveEvidenceInput,
): Promise<ReceivedEvidence> {
  const i = ReceiveEvidenceInput.parse(input);
  const file = {
    messageId: i.messageId,
    chatId: i.chatId,
    fileKey: i.fileKey,
    kind: i.kind,
    fileName: i.fileName,
  };
  const pid = await problemOfContext(
    ctx.tx,
    [i.parentId, i.rootId].filter((x): x is string => !!x),
  );
  if (pid !== undefined) {
    // No row lock: the job checks state and authority again before it stores anything.
    const p = await findProblem(ctx.tx, pid);
    await queueEvidence(ctx.tx, ctx.actor, p, file);
    return { status: 'queued', problemId: p.id };
  }
  const open = await openProblemsOf(ctx.tx, ctx.actor.openId);
  if (!open.length) return { status: 'no_open_problem' };
  const name = (i.fileName ?? (i.kind === 'image' ? '图片' : '文件')).slice(0, 100);
  return { status: 'ask', name, open };
}
