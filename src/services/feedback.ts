import { createHash, randomInt } from 'node:crypto';
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { anonymousFeedback, problems } from '../../db/schema/index.js';
import { ANONYMOUS_ACTOR, appendAudit } from '../audit/chain.js';
import type { Conn, Db, Tx } from '../db.js';
import { todayIn } from '../domain/dates.js';
import { conflict, forbidden, invalid, notFound } from '../domain/errors.js';
import { STATE_LABEL } from '../domain/problem.js';
import { enqueue } from '../outbox/enqueue.js';
import type { ServiceCtx } from './context.js';
import { isStaff } from './people.js';
import { type AssignInput, assignProblem } from './problems/assign.js';

export const FEEDBACK_MAX = 5000;
/** Unread submissions at most: a flood cannot grow staff's queue without bound. */
export const FEEDBACK_PENDING_MAX = 2000;
/** No 0/O, 1/I/L: codes are read off a phone screen and typed back. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

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

/**
 * Stores an anonymous submission: its text, a hash of the receipt code and the day — nothing
 * about who sent it (docs/decisions/0004-anonymity.md). Its audit row is not written here: an
 * audit row's seq would sit between rows with exact times and date it. sealFeedback appends the
 * day's rows in one batch once the day is over.
 */
export async function submitFeedback(
  tx: Tx,
  o: { text: string; now: Date; timezone: string },
): Promise<{ code: string; id: string }> {
  const text = o.text.trim();
  if (!text) throw invalid('请填写反馈内容。');
  if ([...text].length > FEEDBACK_MAX) throw invalid(`反馈内容不能超过 ${FEEDBACK_MAX} 个字。`);
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.status, 'new'));
  if (n >= FEEDBACK_PENDING_MAX) throw conflict('待处理的反馈较多，暂不能受理新的反馈，请过几天再提交。');
  const code = newReceiptCode();
  const [row] = await tx
    .insert(anonymousFeedback)
    .values({ receiptHash: receiptHash(code), text, receivedOn: todayIn(o.now, o.timezone) })
    .returning({ id: anonymousFeedback.id });
  return { code, id: row!.id };
}

/**
 * The hourly housekeeping's part. Every row of the last two days, and any not yet audited, is
 * rewritten in one statement, so no row keeps the transaction id (xmin) of the message that
 * brought it: xmin would otherwise tie it to that message's event row and date it among all others. Days that are over get their
 * `feedback.received` audit rows, in random order, dated by the day only, all in this one batch.
 */
export async function sealFeedback(db: Db, now: Date, timezone: string): Promise<{ audited: number }> {
  const today = todayIn(now, timezone);
  const yesterday = todayIn(new Date(now.getTime() - 86_400_000), timezone);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`update anonymous_feedback set received_on = received_on where received_on >= ${yesterday} or not audited`,
    );
    const due = await tx
      .select({ id: anonymousFeedback.id, day: anonymousFeedback.receivedOn })
      .from(anonymousFeedback)
      .where(and(eq(anonymousFeedback.audited, false), lt(anonymousFeedback.receivedOn, today)))
      .orderBy(asc(anonymousFeedback.receivedOn), asc(anonymousFeedback.id));
    for (const f of due)
      await appendAudit(tx, {
        at: new Date(`${f.day}T00:00:00Z`),
        actorOpenId: null,
        actorName: ANONYMOUS_ACTOR,
        action: 'feedback.received',
        subjectType: 'feedback',
        subjectId: f.id,
      });
    if (due.length)
      await tx
        .update(anonymousFeedback)
        .set({ audited: true })
        .where(and(eq(anonymousFeedback.audited, false), lt(anonymousFeedback.receivedOn, today)));
    return { audited: due.length };
  });
}

/**
 * The receipt goes out as a new message (not a reply: a reply row would name the user's message),
 * receiver erased once settled. The web page comes first: it leaves no trace in any chat.
 */
export async function sendReceipt(
  tx: Tx,
  openId: string,
  code: string,
  publicBaseUrl?: string,
): Promise<void> {
  const page = `${publicBaseUrl ?? ''}/feedback`;
  await enqueue(tx, [
    {
      msgType: 'text',
      content: {
        text: `您的匿名反馈已收到。回执码：${code}\n请妥善保存。可在网页 ${page} 凭回执码查询办理情况（推荐），也可在与机器人的单聊中发送 /反馈查询 ${code}。本系统不记录反馈人身份。`,
      },
      purpose: 'anonymous_receipt',
      eraseReceiver: true,
      to: { type: 'open_id', id: openId },
    },
  ]);
}

export interface FeedbackStatus {
  receivedOn: string;
  text: string;
}

/** What became of a submission, for whoever holds the receipt code. */
export async function lookupFeedback(conn: Conn, code: string): Promise<string> {
  if (!code.trim()) throw invalid('请提供回执码，如：/反馈查询 ABCD-EFGH-JKMN');
  const [f] = await conn
    .select()
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.receiptHash, receiptHash(code)));
  if (!f) throw notFound('未找到该回执码，请核对后重试。');
  const [y, m, d] = f.receivedOn.split('-').map(Number);
  const head = `您于${y}年${m}月${d}日提交的匿名反馈`;
  if (f.status === 'converted' && f.problemId) {
    const [p] = await conn.select().from(problems).where(eq(problems.id, f.problemId));
    return `${head}已转为督办问题 ${p?.code ?? ''}，当前状态：${p ? STATE_LABEL[p.state] : '—'}。感谢您的反映。`;
  }
  if (f.status === 'dismissed')
    return `${head}经研究未予采纳。说明：${f.decisionReason ?? '—'}。感谢您的反映。`;
  return `${head}已收到，工作人员正在研究处理，请稍后再查。`;
}

export async function pendingFeedback(conn: Conn, limit = 10) {
  return conn
    .select()
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.status, 'new'))
    .orderBy(asc(anonymousFeedback.receivedOn), asc(anonymousFeedback.id))
    .limit(limit);
}

async function lockNew(ctx: ServiceCtx, id: string) {
  if (!isStaff(ctx.actor.roles)) throw forbidden('只有工作人员可以处理匿名反馈。');
  const [f] = await ctx.tx.select().from(anonymousFeedback).where(eq(anonymousFeedback.id, id)).for('update');
  if (!f) throw notFound('未找到该条反馈。');
  if (f.status !== 'new') throw conflict('该条反馈已处理。');
  return f;
}

/**
 * Turns a submission into a problem (source 线上匿名): the text reaches the unit unaltered as the
 * description; staff give a title and, for anything made public, a redacted public title.
 */
export async function convertFeedback(
  ctx: ServiceCtx,
  id: string,
  input: Omit<AssignInput, 'description' | 'source'> & { publicTitle?: string },
) {
  const f = await lockNew(ctx, id);
  const r = await assignProblem(ctx, { ...input, description: f.text, source: '线上匿名' });
  const publicTitle = input.publicTitle?.trim();
  if (publicTitle) await ctx.tx.update(problems).set({ publicTitle }).where(eq(problems.id, r.problem.id));
  await ctx.tx
    .update(anonymousFeedback)
    .set({ status: 'converted', problemId: r.problem.id, decidedBy: ctx.actor.openId, decidedAt: ctx.now })
    .where(eq(anonymousFeedback.id, id));
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'feedback.converted',
    subjectType: 'feedback',
    subjectId: id,
    after: { problem: r.problem.code, publicTitle: publicTitle ?? null },
  });
  return r;
}

export async function dismissFeedback(ctx: ServiceCtx, id: string, reason: unknown): Promise<void> {
  const f = await lockNew(ctx, id);
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (!why) throw invalid('请填写不予采纳的理由（将告知反馈人）。');
  await ctx.tx
    .update(anonymousFeedback)
    .set({
      status: 'dismissed',
      decisionReason: why.slice(0, 500),
      decidedBy: ctx.actor.openId,
      decidedAt: ctx.now,
    })
    .where(eq(anonymousFeedback.id, f.id));
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'feedback.dismissed',
    subjectType: 'feedback',
    subjectId: id,
    after: { reason: why },
  });
}
