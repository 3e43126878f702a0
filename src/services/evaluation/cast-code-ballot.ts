import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { votingCodes } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { conflict, notFound } from '../../domain/errors.js';
import { CODE_ACTOR, lockOpenVote, parseBallot, pourIntoPool } from './ballot.js';
import { codeHash, normalizeCode } from './codes.js';
import { auditEval, type EvaluationRow, unitsOfEvaluation } from './common.js';

/** A ballot on the web page with a one-time code; `used` is set in the voting transaction. */
export const CastCodeBallotInput = z.object({
  code: z.string(),
  form: z.record(z.string(), z.unknown()),
  now: z.date(),
  timezone: z.string(),
  key: z.string().optional(),
});
export type CastCodeBallotInput = z.input<typeof CastCodeBallotInput>;

/** The unused code is the authorization: it names the vote and the category. */
export async function castCodeBallot(tx: Tx, input: CastCodeBallotInput): Promise<EvaluationRow> {
  const o = CastCodeBallotInput.parse(input);
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
