import { and, eq } from 'drizzle-orm';
import { ballotReceipts, voters } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { sendBallots } from './ballot.js';
import { openEvaluation } from './common.js';

/** /投票: a voter on the roll who has not voted gets a fresh ballot card (cards age after 14 days). */
export async function resendBallot(tx: Tx, openId: string, timezone: string): Promise<{ text: string }> {
  const e = await openEvaluation(tx);
  if (!e) return { text: '目前没有进行中的满意度测评。' };
  const [v] = await tx.select().from(voters).where(eq(voters.openId, openId));
  if (!v) return { text: '您不在本次测评的投票人名单中。如有疑问，请联系工作人员。' };
  const [done] = await tx
    .select()
    .from(ballotReceipts)
    .where(and(eq(ballotReceipts.evaluationId, e.id), eq(ballotReceipts.voterId, v.id)));
  if (done) return { text: `您已完成「${e.name}」的投票，感谢参与。` };
  await sendBallots(tx, e, [openId], timezone);
  return { text: `已重新发送「${e.name}」的选票，请查收。` };
}
