import { eq } from 'drizzle-orm';
import { evaluations, votingCodes } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { conflict, notFound } from '../../domain/errors.js';
import { mustBeOpen } from './ballot.js';
import { codeHash, normalizeCode } from './codes.js';
import { type EvaluationRow, unitsOfEvaluation } from './common.js';

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
