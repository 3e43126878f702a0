import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ballotReceipts, voters } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { sendBallots } from './ballot.js';
import { openEvaluation } from './common.js';

export const ResendBallotInput = z.object({ openId: z.string(), timezone: z.string() });
export type ResendBallotInput = z.input<typeof ResendBallotInput>;

/** What /投票 found: no vote, not on the roll, already voted, or a fresh card sent. */
export type Resent =
  | { kind: 'no_vote' }
  | { kind: 'not_on_roll' }
  | { kind: 'voted'; evaluationName: string }
  | { kind: 'sent'; evaluationName: string };

/**
 * /投票: a voter on the roll who has not voted gets a fresh ballot card (cards age after 14 days).
 * Anyone may ask: the roll decides, and only the asker's own card is sent.
 */
export async function resendBallot(tx: Tx, input: ResendBallotInput): Promise<Resent> {
  const { openId, timezone } = ResendBallotInput.parse(input);
  const e = await openEvaluation(tx);
  if (!e) return { kind: 'no_vote' };
  const [v] = await tx.select().from(voters).where(eq(voters.openId, openId));
  if (!v) return { kind: 'not_on_roll' };
  const [done] = await tx
    .select()
    .from(ballotReceipts)
    .where(and(eq(ballotReceipts.evaluationId, e.id), eq(ballotReceipts.voterId, v.id)));
  if (done) return { kind: 'voted', evaluationName: e.name };
  await sendBallots(tx, e, [openId], timezone);
  return { kind: 'sent', evaluationName: e.name };
}
