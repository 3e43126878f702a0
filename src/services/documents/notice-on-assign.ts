import { enqueue } from '../../outbox/enqueue.js';
import type { ServiceCtx } from '../context.js';
import { contactsOf } from '../problems/common.js';
import { issueNotice } from './notice.js';

/**
 * SEND_NOTICE_ON_ASSIGN=1: the 督办通知书 goes with the assignment card to the lead unit's contacts,
 * as a file message after it, in the assignment's transaction (one 文号, one stored document).
 */
export async function attachNoticeOnAssign(
  ctx: ServiceCtx,
  problem: { code: string; id: number; leadUnitId: number },
): Promise<void> {
  if (!ctx.config.sendNoticeOnAssign) return;
  const [first, ...rest] = await contactsOf(ctx, [problem.leadUnitId]);
  if (!first) return;
  const issued = await issueNotice(ctx, problem.code, { type: 'open_id', id: first });
  if (rest.length)
    await enqueue(
      ctx.tx,
      rest.map((id) => ({
        msgType: 'file' as const,
        content: {},
        purpose: 'document_notice',
        problemId: problem.id,
        file: { name: issued.fileName, bytes: issued.bytes },
        to: { type: 'open_id' as const, id },
      })),
    );
}
