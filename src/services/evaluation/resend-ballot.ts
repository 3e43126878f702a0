import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ballotReceipts, voters } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { sendBallots } from './ballot.js';
import { openEvaluations } from './common.js';

export const ResendBallotInput = z.object({ openId: z.string(), timezone: z.string() });
export type ResendBallotInput = z.input<typeof ResendBallotInput>;

/** What /投票 found: no vote, not on the roll, already voted in every open vote, or fresh cards sent. */
export type Resent =
  | { kind: 'no_vote' }
  | { kind: 'not_on_roll' }
  | { kind: 'voted'; evaluationName: string }
  | { kind: 'sent'; evaluationName: string };

/**
 * /投票: a voter on the roll gets a fresh ballot card for each open vote they have not voted in
 * (cards age after 14 days; votes of several campaigns may be open at once). Anyone may ask: the
 * roll decides, and only the asker's own cards are sent.
 */
export async function resendBallot(tx: Tx, input: ResendBallotInput): Promise<Resent> {
  const { openId, timezone } = ResendBallotInput.parse(input);
  const open = await openEvaluations(tx);
  if (!open.length) return { kind: 'no_vote' };
  const [v] = await tx.select().from(voters).where(eq(voters.openId, openId));
  if (!v) return { kind: 'not_on_roll' };
  const sent: string[] = [];
  for (const e of open) {
    const [done] = await tx
      .select()
      .from(ballotReceipts)
      .where(and(eq(ballotReceipts.evaluationId, e.id), eq(ballotReceipts.voterId, v.id)));
    if (done) continue;
    await sendBallots(tx, e, [openId], timezone);
    sent.push(e.name);
  }
  if (!sent.length) return { kind: 'voted', evaluationName: open.map((e) => e.name).join('」「') };
  return { kind: 'sent', evaluationName: sent.join('」「') };
}
