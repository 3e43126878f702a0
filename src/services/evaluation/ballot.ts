import { and, eq } from 'drizzle-orm';
import { type BallotView, ballotCard, unitField } from '../../../cards/ballot.js';
import { ballotPool, ballotReceipts, evaluations, voters, votingCodes } from '../../../db/schema/index.js';
import type { Conn, Tx } from '../../db.js';
import { formatInstantCn } from '../../domain/dates.js';
import { conflict, forbidden, invalid, notFound } from '../../domain/errors.js';
import { CHOICE_LABEL, type Choice, parseChoice } from '../../domain/tally.js';
import { enqueue } from '../../outbox/enqueue.js';
import { codeHash, normalizeCode } from './codes.js';
import { auditEval, type EvaluationRow, openEvaluation, unitsOfEvaluation } from './common.js';

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
async function lockOpenVote(
  tx: Tx,
  evaluationId: number,
  now: Date,
  timezone: string,
): Promise<EvaluationRow> {
  const [e] = await tx.select().from(evaluations).where(eq(evaluations.id, evaluationId)).for('share');
  return mustBeOpen(e, now, timezone, '本次提交未计入。');
}

function mustBeOpen(e: EvaluationRow | undefined, now: Date, timezone: string, tail = ''): EvaluationRow {
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

async function pourIntoPool(tx: Tx, evaluationId: number, category: string, choices: Map<number, Choice>) {
  // Random uuids, no timestamp, no voter: the rows say what was chosen, not by whom or when.
  await tx
    .insert(ballotPool)
    .values([...choices].map(([unitId, choice]) => ({ evaluationId, category, unitId, choice })));
}

/** A voter on the roll submits the ballot card. */
export async function castChatBallot(
  tx: Tx,
  o: {
    evaluationId: number;
    voter: { openId: string; name: string };
    form: Record<string, unknown>;
    now: Date;
    timezone: string;
  },
): Promise<EvaluationRow> {
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

/** The code's row, or a refusal that says why (unknown, used, vote over). Changes nothing. */
export async function checkCode(
  conn: Conn,
  raw: string,
  now: Date,
  timezone: string,
  key: string | undefined,
): Promise<{ evaluation: EvaluationRow; units: { id: number; name: string }[] }> {
  const n = normalizeCode(raw);
  if (!n) throw notFound('投票码无效，请核对后重新输入（10 位字母和数字）。');
  const [code] = await conn
    .select()
    .from(votingCodes)
    .where(eq(votingCodes.codeHash, codeHash(n, key)));
  if (!code) throw notFound('投票码无效，请核对后重新输入（10 位字母和数字）。');
  if (code.used) throw conflict('该投票码已经使用过，每个投票码只能投票一次。');
  const [row] = await conn.select().from(evaluations).where(eq(evaluations.id, code.evaluationId));
  const e = mustBeOpen(row, now, timezone);
  return { evaluation: e, units: await unitsOfEvaluation(conn, e) };
}

/** A ballot on the web page with a one-time code; `used` is set in the voting transaction. */
export async function castCodeBallot(
  tx: Tx,
  o: { code: string; form: Record<string, unknown>; now: Date; timezone: string; key: string | undefined },
): Promise<EvaluationRow> {
  const n = normalizeCode(o.code);
  if (!n) throw notFound('投票码无效，请核对后重新输入（10 位字母和数字）。');
  const h = codeHash(n, o.key);
  const [code] = await tx.select().from(votingCodes).where(eq(votingCodes.codeHash, h)).for('update');
  if (!code) throw notFound('投票码无效，请核对后重新输入（10 位字母和数字）。');
  if (code.used) throw conflict('该投票码已经使用过，每个投票码只能投票一次，本次提交未计入。');
  const e = await lockOpenVote(tx, code.evaluationId, o.now, o.timezone);
  const choices = parseBallot(e, await unitsOfEvaluation(tx, e), o.form);
  const spent = await tx
    .update(votingCodes)
    .set({ used: true })
    .where(and(eq(votingCodes.codeHash, h), eq(votingCodes.used, false)))
    .returning({ h: votingCodes.codeHash });
  if (!spent.length) throw conflict('该投票码已经使用过，每个投票码只能投票一次，本次提交未计入。');
  await pourIntoPool(tx, e.id, code.category, choices);
  await auditEval(
    tx,
    o.now,
    { openId: null, name: CODE_ACTOR },
    'evaluation.voted',
    { id: e.id },
    { after: { via: 'code' } },
  );
  return e;
}

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
