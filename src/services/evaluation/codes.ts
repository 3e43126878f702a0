import { createHash, randomInt } from 'node:crypto';
import { votingCodes } from '../../../db/schema/index.js';
import { conflict, invalid } from '../../domain/errors.js';
import type { VoterCategory } from '../../domain/tally.js';
import type { ServiceCtx } from '../context.js';
import { auditEval, mustStaff, openEvaluation } from './common.js';

/**
 * One-time voting codes for voters outside the tenant (invited citizens, entrepreneurs). Handed out
 * on paper: the plain code exists only in the staff member's reply (an outbox row deleted once
 * sent); the database keeps its sha256 and whether it was used — never who got it.
 */

/** No 0/O, 1/I/L: read off paper and typed on a phone. 31^8 ≈ 8.5·10^11 codes. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;
export const MAX_CODES = 500;

export function newVotingCode(): string {
  const c = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(
    '',
  );
  return `${c.slice(0, 4)}-${c.slice(4)}`;
}

/** Case, spaces and dashes do not matter; undefined when it cannot be a code at all. */
export function normalizeCode(raw: string): string | undefined {
  const c = raw.toUpperCase().replace(/[\s-]/g, '');
  if (c.length !== CODE_LENGTH) return undefined;
  for (const ch of c) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return c;
}

export function codeHash(normalized: string): string {
  return createHash('sha256').update(`duban-ballot:${normalized}`).digest('hex');
}

export async function issueCodes(
  ctx: ServiceCtx,
  category: VoterCategory,
  count: number,
): Promise<{ codes: string[]; evaluationName: string }> {
  mustStaff(ctx.actor, '发放投票码');
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES)
    throw invalid(`数量须为 1 到 ${MAX_CODES} 之间的整数。`);
  const open = await openEvaluation(ctx.tx);
  if (!open) throw conflict('目前没有进行中的满意度测评。请先用 /测评 开始 开启测评，再发放投票码。');
  const codes: string[] = [];
  while (codes.length < count) {
    const code = newVotingCode();
    const inserted = await ctx.tx
      .insert(votingCodes)
      .values({ codeHash: codeHash(normalizeCode(code)!), evaluationId: open.id, category })
      .onConflictDoNothing()
      .returning({ h: votingCodes.codeHash });
    if (inserted.length) codes.push(code);
  }
  // The audit says how many and for whom, never the codes.
  await auditEval(
    ctx.tx,
    ctx.now,
    ctx.actor,
    'evaluation.codes_issued',
    { id: open.id },
    { after: { category, count } },
  );
  return { codes, evaluationName: open.name };
}
