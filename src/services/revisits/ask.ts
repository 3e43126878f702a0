import { and, eq, sql } from 'drizzle-orm';
import { ratingCard } from '../../../cards/revisit.js';
import { anonymousFeedback, problemEvents, revisits, units } from '../../../db/schema/index.js';
import { formatDateCn, todayIn } from '../../domain/dates.js';
import { enqueue } from '../../outbox/enqueue.js';
import { audit } from '../audit.js';
import type { ServiceCtx } from '../context.js';
import { isStaff, rolesOf } from '../people/read.js';
import type { ProblemRow } from '../problems/load.js';
import {
  newRevisitCode,
  normalizeRevisitCode,
  type RaiserKind,
  REVISIT_DAYS,
  REVISIT_MS,
  revisitCodeHash,
} from './common.js';

/** The raiser of a problem: recorded on /交办, or the anonymous sender behind a converted submission. */
async function raiserOf(ctx: ServiceCtx, p: ProblemRow): Promise<RaiserKind | undefined> {
  if (p.raiserKind === 'person' && p.raiserOpenId) return 'person';
  if (p.raiserKind === 'deputy' && p.raiserName) return 'deputy';
  const [f] = await ctx.tx
    .select({ id: anonymousFeedback.id })
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.problemId, p.id));
  return f ? 'anonymous' : undefined;
}

/** Round N is the problem's Nth 销号 (round 1 the first, which 首次办结满意率 counts). */
async function roundOf(ctx: ServiceCtx, p: ProblemRow): Promise<number> {
  const [{ closes } = { closes: 0 }] = await ctx.tx
    .select({ closes: sql<number>`count(*)::int` })
    .from(problemEvents)
    .where(and(eq(problemEvents.problemId, p.id), eq(problemEvents.kind, 'closure_approved')));
  const [{ last } = { last: 0 }] = await ctx.tx
    .select({ last: sql<number>`coalesce(max(${revisits.round}), 0)::int` })
    .from(revisits)
    .where(eq(revisits.problemId, p.id));
  return Math.max(Number(closes), Number(last) + 1);
}

/**
 * Who passes a 代表's code on: the staff member who recorded the 提出人 (they know the 代表), while
 * still staff; else whoever approved the close-out (docs/decisions/revisit-deputy-code.md).
 */
export async function codeKeeper(ctx: ServiceCtx, p: ProblemRow): Promise<string> {
  if (p.createdBy && isStaff(await rolesOf(ctx.tx, p.createdBy, ctx.config.adminOpenIds))) return p.createdBy;
  return ctx.actor.openId;
}

/**
 * 回访 on 销号, in the approval's transaction: the revisit row of this round, and the question: a
 * card to a Lark raiser; a one-time web code to staff for a 代表 (or, without PUBLIC_BASE_URL,
 * a note that web codes are unavailable); nothing to anyone for an anonymous raiser, who sees the
 * question with /反馈查询. A problem without a raiser gets no 回访.
 */
export async function askRevisit(ctx: ServiceCtx, p: ProblemRow): Promise<void> {
  const kind = await raiserOf(ctx, p);
  if (!kind) return;
  const round = await roundOf(ctx, p);
  const base = ctx.config.publicBaseUrl;
  const code = kind === 'deputy' && base && ctx.config.appSecretKey ? newRevisitCode() : undefined;
  const [v] = await ctx.tx
    .insert(revisits)
    .values({
      problemId: p.id,
      round,
      raiserKind: kind,
      askedAt: ctx.now,
      codeHash: code ? revisitCodeHash(normalizeRevisitCode(code)!, ctx.config.appSecretKey) : null,
      expiresAt: code ? new Date(ctx.now.getTime() + REVISIT_MS) : null,
    })
    .returning();
  if (!v) throw new Error('revisits insert returned no row');
  // The audit names the round and the kind, never a code.
  await audit(ctx, 'revisit.asked', { type: 'problem', id: p.code }, { after: { round, kind } });
  const [u] = await ctx.tx.select({ name: units.name }).from(units).where(eq(units.id, p.leadUnitId));
  const closedOn = todayIn(ctx.now, ctx.config.timezone);
  if (kind === 'person')
    return void (await enqueue(ctx.tx, [
      {
        msgType: 'interactive',
        content: ratingCard(
          { revisitId: v.id, code: p.code, title: p.title, unitName: u?.name ?? '', closedOn },
          REVISIT_DAYS,
        ),
        purpose: 'revisit',
        problemId: p.id,
        to: { type: 'open_id', id: p.raiserOpenId! },
      },
    ]));
  if (kind !== 'deputy') return;
  const head = `【${p.code}】「${p.title}」已办结，提出人为人大代表${p.raiserName}。`;
  const textOf = code
    ? `${head}请将回访码转交该代表：${code}\n评价网页：${base}/revisit ，${formatDateCn(todayIn(v.expiresAt!, ctx.config.timezone))}前有效，仅可使用一次。`
    : `${head}未配置 ${base ? 'APP_SECRET_KEY' : 'PUBLIC_BASE_URL'}，网页回访码不可用，请以电话等方式回访。`;
  await enqueue(ctx.tx, [
    {
      msgType: 'text',
      content: { text: textOf },
      purpose: 'revisit_code',
      problemId: p.id,
      to: { type: 'open_id', id: await codeKeeper(ctx, p) },
    },
  ]);
}
