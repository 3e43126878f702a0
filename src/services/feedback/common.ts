import { createHash, randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { anonymousFeedback } from '../../../db/schema/index.js';
import { conflict, notFound } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';

export const FEEDBACK_MAX = 5000;
/** Unread submissions at most: a flood cannot grow staff's queue without bound. */
export const FEEDBACK_PENDING_MAX = 2000;
/** No 0/O, 1/I/L: codes are read off a phone screen and typed back. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export type FeedbackRow = typeof anonymousFeedback.$inferSelect;

export function newReceiptCode(): string {
  const c = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`;
}

export function receiptHash(code: string): string {
  return createHash('sha256')
    .update(
      code
        .trim()
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, ''),
    )
    .digest('hex');
}

/** Staff decide what becomes of a submission. */
export const authorizeTriage = (ctx: ServiceCtx) => mustStaff(ctx.actor, '处理匿名反馈');

/** The submission locked, still unread. */
export async function lockNew(ctx: ServiceCtx, id: string): Promise<FeedbackRow> {
  const [f] = await ctx.tx.select().from(anonymousFeedback).where(eq(anonymousFeedback.id, id)).for('update');
  if (!f) throw notFound('未找到该条反馈。');
  if (f.status !== 'new') throw conflict('该条反馈已处理。');
  return f;
}

/** The decision's audit row: who decided, never who sent the submission. */
export async function auditDecision(
  ctx: ServiceCtx,
  action: string,
  id: string,
  after: unknown,
): Promise<void> {
  await audit(ctx, action, { type: 'feedback', id }, { after });
}
