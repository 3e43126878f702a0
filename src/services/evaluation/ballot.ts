import { eq } from 'drizzle-orm';
import { type BallotView, ballotCard, unitField } from '../../../cards/ballot.js';
import { ballotPool, evaluations } from '../../../db/schema/index.js';
import type { Conn, Tx } from '../../db.js';
import { formatInstantCn } from '../../domain/dates.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { CHOICE_LABEL, type Choice, parseChoice } from '../../domain/tally.js';
import { enqueue } from '../../outbox/enqueue.js';
import { campaignNameOf, type EvaluationRow, unitsOfEvaluation } from './common.js';

/**
 * Casting a ballot (docs/decisions/0005-secret-ballot.md). One transaction writes "has voted" (a
 * ballot_receipts row, or the code's `used`) and the choices (ballot_pool rows with category, unit
 * and choice, no voter reference): voted ⇔ counted. The audit row says "voted", never how. The
 * closing transaction tallies the pool and deletes it, so afterwards neither row order nor xmin
 * ties a choice to a voter.
 */

export const CODE_ACTOR = '匿名投票码';
export const ballotPurpose = (evaluationId: number) => `ballot:${evaluationId}`;

export async function ballotView(conn: Conn, e: EvaluationRow, timezone: string): Promise<BallotView> {
  return {
    evaluationId: e.id,
    name: e.name,
    closesAt: e.closesAt,
    units: await unitsOfEvaluation(conn, e),
    timezone,
    campaignName: await campaignNameOf(conn, e),
  };
}

/** A ballot card to each person (a new message: a fresh 14-day click window). */
export async function sendBallots(
  tx: Tx,
  e: EvaluationRow,
  openIds: string[],
  timezone: string,
): Promise<number> {
  const c = ballotCard(await ballotView(tx, e, timezone));
  const ids = [...new Set(openIds)];
  await enqueue(
    tx,
    ids.map((id) => ({
      msgType: 'interactive' as const,
      content: c,
      purpose: ballotPurpose(e.id),
      audience: id,
      to: { type: 'open_id' as const, id },
    })),
  );
  return ids.length;
}

/**
 * The vote row, share-locked: votes run side by side, the close (FOR UPDATE) waits for them and
 * a vote arriving after the close sees it closed. Late or closed votes are refused.
 */
export async function lockOpenVote(
  tx: Tx,
  evaluationId: number,
  now: Date,
  timezone: string,
): Promise<EvaluationRow> {
  const [e] = await tx.select().from(evaluations).where(eq(evaluations.id, evaluationId)).for('share');
  return mustBeOpen(e, now, timezone, '本次提交未计入。');
}

export function mustBeOpen(
  e: EvaluationRow | undefined,
  now: Date,
  timezone: string,
  tail = '',
): EvaluationRow {
  if (!e) throw notFound('该测评不存在。');
  if (e.status !== 'open') throw conflict(`「${e.name}」已结束投票。${tail}`);
  if (e.closesAt && now.getTime() >= e.closesAt.getTime())
    throw conflict(`「${e.name}」已于 ${formatInstantCn(e.closesAt, timezone)} 截止。${tail}`);
  return e;
}

/** A choice for every unit of the vote, nothing else; an incomplete ballot is refused whole. */
export function parseBallot(
  e: EvaluationRow,
  units: { id: number; name: string }[],
  form: Record<string, unknown>,
): Map<number, Choice> {
  const out = new Map<number, Choice>();
  const missing: string[] = [];
  for (const id of e.unitIds) {
    const raw = form[unitField(id)];
    const c = parseChoice(Array.isArray(raw) ? raw[0] : raw);
    if (c) out.set(id, c);
    else missing.push(units.find((u) => u.id === id)?.name ?? `单位#${id}`);
  }
  if (missing.length)
    throw invalid(
      `请对每个评议对象作出选择（${Object.values(CHOICE_LABEL).join(' / ')}）。尚未选择：${missing.join('、')}。本次提交未计入。`,
    );
  return out;
}

export async function pourIntoPool(
  tx: Tx,
  evaluationId: number,
  category: string,
  choices: Map<number, Choice>,
) {
  // Random uuids, no timestamp, no voter: the rows say what was chosen, not by whom or when.
  await tx
    .insert(ballotPool)
    .values([...choices].map(([unitId, choice]) => ({ evaluationId, category, unitId, choice })));
}
