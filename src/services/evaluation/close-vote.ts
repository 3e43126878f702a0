import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { ballotClosedCard } from '../../../cards/ballot.js';
import { resultsCard } from '../../../cards/evaluation.js';
import { ballotPool, evaluations } from '../../../db/schema/index.js';
import { canonical } from '../../audit/chain.js';
import type { Config } from '../../config.js';
import type { Tx } from '../../db.js';
import { conflict } from '../../domain/errors.js';
import { type TallyResult, tallyPool } from '../../domain/tally.js';
import { enqueue } from '../../outbox/enqueue.js';
import { ballotPurpose } from './ballot.js';
import {
  auditEval,
  campaignNameOf,
  type EvalActor,
  type EvaluationRow,
  refreshCards,
  staffAndSupervisors,
  unitsOfEvaluation,
} from './common.js';

export interface Closed {
  evaluation: EvaluationRow;
  result: TallyResult;
}

/**
 * The close: one transaction locks the vote (waiting for votes in flight), tallies the pool into
 * evaluations.results and DELETES the pool. After it commits, no row, row order or xmin ties a
 * choice to a ballot_receipts row: the results row is written by this transaction alone.
 */
export async function closeVote(
  tx: Tx,
  o: { evaluationId: number; now: Date; config: Config; actor: EvalActor },
): Promise<Closed> {
  const [e] = await tx.select().from(evaluations).where(eq(evaluations.id, o.evaluationId)).for('update');
  if (e?.status !== 'open') throw conflict('目前没有进行中的满意度测评。');
  const pool = await tx
    .select({ category: ballotPool.category, unitId: ballotPool.unitId, choice: ballotPool.choice })
    .from(ballotPool)
    .where(eq(ballotPool.evaluationId, e.id));
  const result = tallyPool(await unitsOfEvaluation(tx, e), pool);
  const [closed] = await tx
    .update(evaluations)
    .set({ status: 'closed', closedAt: o.now, results: result })
    .where(and(eq(evaluations.id, e.id), eq(evaluations.status, 'open')))
    .returning();
  if (!closed) throw conflict('目前没有进行中的满意度测评。');
  await tx.delete(ballotPool).where(eq(ballotPool.evaluationId, e.id));
  await auditEval(
    tx,
    o.now,
    o.actor,
    'evaluation.closed',
    { id: e.id },
    {
      // The results' hash in the chain: a later edit of evaluations.results would show.
      after: {
        voters: result.voters,
        resultsSha256: createHash('sha256').update(canonical(result)).digest('hex'),
      },
    },
  );
  const view = {
    evaluation: closed,
    result,
    timezone: o.config.timezone,
    campaignName: await campaignNameOf(tx, closed),
  };
  const to = await staffAndSupervisors(tx, o.config);
  await enqueue(
    tx,
    to.map((id) => ({
      msgType: 'interactive' as const,
      content: resultsCard(view),
      purpose: 'evaluation_results',
      to: { type: 'open_id' as const, id },
    })),
  );
  await refreshCards(tx, ballotPurpose(e.id), ballotClosedCard(e.name), o.now);
  return { evaluation: closed, result };
}
