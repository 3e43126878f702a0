import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ballotReceipts, voters } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { conflict, forbidden } from '../../domain/errors.js';
import { lockOpenVote, parseBallot, pourIntoPool } from './ballot.js';
import { auditEval, type EvaluationRow, unitsOfEvaluation } from './common.js';

/** A voter on the roll submits the ballot card. */
export const CastChatBallotInput = z.object({
  evaluationId: z.number(),
  voter: z.object({ openId: z.string(), name: z.string() }),
  form: z.record(z.string(), z.unknown()),
  now: z.date(),
  timezone: z.string(),
});
export type CastChatBallotInput = z.input<typeof CastChatBallotInput>;

/**
 * Anyone on the roll may vote, once: the roll is the authorization. The voter is the clicker,
 * resolved by the transport, never a card's value.
 */
export async function castChatBallot(tx: Tx, input: CastChatBallotInput): Promise<EvaluationRow> {
  const o = CastChatBallotInput.parse(input);
  const e = await lockOpenVote(tx, o.evaluationId, o.now, o.timezone);
  const [v] = await tx.select().from(voters).where(eq(voters.openId, o.voter.openId));
  if (!v) throw forbidden('您不在本次测评的投票人名单中，不能投票。如有疑问，请联系工作人员。');
  const [already] = await tx
    .select()
    .from(ballotReceipts)
    .where(and(eq(ballotReceipts.evaluationId, e.id), eq(ballotReceipts.voterId, v.id)));
  if (already) throw conflict('您已投过票，每人只能投一次，本次提交未计入。');
  const choices = parseBallot(e, await unitsOfEvaluation(tx, e), o.form);
  // Two racing submissions: the primary key lets one in; the other finds nothing inserted.
  const receipt = await tx
    .insert(ballotReceipts)
    .values({ evaluationId: e.id, voterId: v.id })
    .onConflictDoNothing()
    .returning();
  if (!receipt.length) throw conflict('您已投过票，每人只能投一次，本次提交未计入。');
  await pourIntoPool(tx, e.id, v.category, choices);
  await auditEval(
    tx,
    o.now,
    { openId: o.voter.openId, name: o.voter.name },
    'evaluation.voted',
    { id: e.id },
    { after: { via: 'chat' } },
  );
  return e;
}
