import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { UnsatisfiedView } from '../../../cards/revisit.js';
import { anonymousFeedback, problems, revisits, units } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { formatDateCn } from '../../domain/dates.js';
import { RATING_LABEL, type Rating } from '../../domain/satisfaction.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { receiptHash } from '../feedback/common.js';
import { namesOf } from '../people/read.js';
import { latestRevisit, REVISIT_DAYS, REVISIT_MS, type RevisitRow } from './common.js';

const label = (r: string | null) => (r ? (RATING_LABEL[r as Rating] ?? r) : '');

/** `/不满意件`: revisits rated 不满意 and not yet decided, latest round of each problem, oldest first. */
export async function unsatisfiedList(ctx: ServiceCtx, limit = 10): Promise<UnsatisfiedView[]> {
  mustStaff(ctx.actor, '查看不满意件');
  const rows = await ctx.tx
    .select({ v: revisits, p: problems, unitName: units.name })
    .from(revisits)
    .innerJoin(problems, eq(problems.id, revisits.problemId))
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .where(
      and(eq(revisits.rating, 'unsatisfied'), isNull(revisits.disposition), eq(problems.state, 'closed')),
    )
    .orderBy(asc(revisits.ratedOn), asc(revisits.id))
    .limit(limit);
  const names = await namesOf(
    ctx.tx,
    rows.flatMap((r) => (r.p.raiserOpenId ? [r.p.raiserOpenId] : [])),
  );
  return rows.map(({ v, p, unitName }) => ({
    revisitId: v.id,
    code: p.code,
    title: p.title,
    unitName,
    raiser: raiserLabel(v.raiserKind, p, names),
    ratedOn: v.ratedOn ?? '',
    comment: v.comment,
    round: v.round,
  }));
}

function raiserLabel(
  kind: string,
  p: { raiserOpenId: string | null; raiserName: string | null },
  names: Map<string, string>,
): string {
  if (kind === 'person') return names.get(p.raiserOpenId ?? '') ?? p.raiserName ?? '（飞书用户）';
  if (kind === 'deputy') return `人大代表${p.raiserName ?? ''}`;
  return '匿名反馈人';
}

/** /查看's lines for staff and supervisors: who raised it and each round's 回访. */
export async function revisitLines(conn: Conn, p: typeof problems.$inferSelect): Promise<string[]> {
  const lines: string[] = [];
  if (p.raiserKind === 'person' && p.raiserOpenId) {
    const names = await namesOf(conn, [p.raiserOpenId]);
    lines.push(`提出人：${names.get(p.raiserOpenId) ?? p.raiserName ?? '飞书用户'}`);
  } else if (p.raiserKind === 'deputy') lines.push(`提出人：人大代表${p.raiserName ?? ''}`);
  const rows = await conn
    .select()
    .from(revisits)
    .where(eq(revisits.problemId, p.id))
    .orderBy(asc(revisits.round));
  for (const v of rows) lines.push(`回访（第 ${v.round} 次办结）：${roundLine(v)}`);
  return lines;
}

function roundLine(v: RevisitRow): string {
  if (!v.rating) return '待评价';
  const d =
    v.disposition === 'redo' ? '，已重办' : v.disposition === 'explained' ? `，已说明理由：${v.reason}` : '';
  return `${label(v.rating)}${v.comment ? `（${v.comment}）` : ''}${d}`;
}

/**
 * What the anonymous raiser reads with the receipt code about 回访: the question while open, their
 * rating, and staff's reason after 不满意. Empty when the problem has no anonymous 回访.
 */
export async function anonymousRevisitNote(conn: Conn, problemId: number, now: Date): Promise<string> {
  const v = await latestRevisit(conn, problemId);
  if (v?.raiserKind !== 'anonymous') return '';
  if (!v.rating) {
    if (now.getTime() - v.askedAt.getTime() > REVISIT_MS) return '';
    return `\n请对办理结果作出评价（${REVISIT_DAYS} 日内，仅一次）：发送 /反馈查询 <回执码> 满意|基本满意|不满意 [意见]，或在网页查询页面评价。`;
  }
  const why = v.disposition === 'explained' ? `\n工作人员说明：${v.reason}` : '';
  const redo = v.disposition === 'redo' ? '\n已安排重新办理。' : '';
  return `\n您的评价：${label(v.rating)}（${formatDateCn(v.ratedOn ?? '')}）。${why}${redo}`;
}

/** Whether the holder of a receipt code may rate now (the web lookup page shows the form then). */
export async function anonymousRevisitOpen(conn: Conn, receiptCode: string, now: Date): Promise<boolean> {
  const [f] = await conn
    .select({ problemId: anonymousFeedback.problemId })
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.receiptHash, receiptHash(receiptCode)));
  if (!f?.problemId) return false;
  const v = await latestRevisit(conn, f.problemId);
  return (
    !!v && v.raiserKind === 'anonymous' && !v.rating && now.getTime() - v.askedAt.getTime() <= REVISIT_MS
  );
}

/** Each problem's latest rated 回访, for the export: 满意 / 基本满意 / 不满意 (第 N 次办结). */
export async function latestRatings(conn: Conn, problemIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!problemIds.length) return out;
  const rows = await conn
    .select()
    .from(revisits)
    .where(inArray(revisits.problemId, problemIds))
    .orderBy(desc(revisits.round));
  for (const v of rows) {
    if (!v.rating || out.has(v.problemId)) continue;
    out.set(v.problemId, `${label(v.rating)}${v.round > 1 ? `（第 ${v.round} 次办结）` : ''}`);
  }
  return out;
}
