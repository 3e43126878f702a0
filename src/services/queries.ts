import { and, asc, eq, inArray, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { CARD_LIMIT_BYTES, type Card, cardBytes, note } from '../../cards/kit.js';
import type { ListPageView, ListRow } from '../../cards/list.js';
import { problemCard } from '../../cards/problem.js';
import { rankCard, type StatsView, statsCard } from '../../cards/stats.js';
import { outbox, problemCoUnits, problems } from '../../db/schema/index.js';
import type { Conn } from '../db.js';
import { canSee, capabilities } from '../domain/capabilities.js';
import { todayIn } from '../domain/dates.js';
import { forbidden, invalid } from '../domain/errors.js';
import { OPEN_STATES, type ProblemState, STATE_LABEL, STATES } from '../domain/problem.js';
import { rankUnits, tally, type UnitTally } from '../domain/ranking.js';
import { PERMANENT_CODES } from '../outbox/failure-labels.js';
import type { ServiceCtx } from './context.js';
import { isStaff, namesOf, type Role } from './people.js';
import { clockOf } from './problems/common.js';
import {
  contactUnitIds,
  findProblem,
  loadEvidence,
  loadHistory,
  loadView,
  memberGroupIds,
  overdueWorkdays,
  relationOf,
  unitNameMap,
} from './problems/load.js';
import { allUnits } from './units.js';

// ---------------------------------------------------------------- /查看

/** 未送达: messages about the problem Lark refused for good (README.md "Cards and buttons"). */
export async function undelivered(conn: Conn, problemId: number): Promise<string[]> {
  const rows = await conn
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.problemId, problemId),
        eq(outbox.status, 'failed'),
        inArray(outbox.kind, ['send', 'reply', 'upload_file']),
      ),
    )
    .orderBy(asc(outbox.createdAt));
  type Row = (typeof rows)[number];
  const person = (r: Row) =>
    r.eraseReceiver ? null : r.receiveIdType === 'open_id' ? r.receiveId : r.receiveId ? null : r.audience;
  const names = await namesOf(
    conn,
    rows.map(person).filter((x): x is string => !!x),
  );
  const lines = rows.map((r) => {
    const id = person(r);
    const who = r.eraseReceiver
      ? '（匿名回执）'
      : id
        ? names.get(id)!
        : r.receiveId
          ? `群聊 ${r.receiveId}`
          : '回复消息';
    const reason =
      (r.errorCode !== null ? PERMANENT_CODES[r.errorCode] : undefined) ?? r.lastError ?? '原因不明';
    return `未送达：${who}（${reason}）`;
  });
  return [...new Set(lines)];
}

/**
 * `/查看`: the problem card built for the viewer (their buttons, fresh: Lark lets a card be
 * clicked for 14 days only), its whole history by name, the evidence list and 未送达.
 */
export async function showProblem(ctx: ServiceCtx, ref: string): Promise<{ card: Card; problemId: number }> {
  const row = await findProblem(ctx.tx, ref);
  const rel = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, row);
  if (!canSee(rel))
    throw forbidden(`您无权查看 ${row.code}。只有承办单位联络员、负责的督导组成员和工作人员可以查看。`);
  const view = await loadView(ctx.tx, row, clockOf(ctx));
  const history = await loadHistory(ctx.tx, row.id);
  const evidence = await loadEvidence(ctx.tx, row.id);
  const failed = await undelivered(ctx.tx, row.id);
  const caps = capabilities(view, rel);
  const build = (h: typeof history, e: typeof evidence) => {
    const c = problemCard(view, {
      caps,
      timezone: ctx.config.timezone,
      history: h,
      evidence: e,
      asCo: rel.co && !rel.lead,
    });
    if (failed.length) c.body.elements.push(note(failed.slice(0, 20).join('\n')));
    return c;
  };
  let c = build(history, evidence);
  // Lark refuses cards over 30 KB: keep the latest records when a long history would not fit.
  for (const keep of [10, 5, 0]) {
    if (cardBytes(c) <= CARD_LIMIT_BYTES) break;
    c = build(history.slice(-keep), evidence.slice(0, keep));
  }
  return { card: c, problemId: row.id };
}

// ---------------------------------------------------------------- who sees which problems

/** The problems a person may list: staff all; supervisors their groups' and group-less ones; contacts their units'. */
export interface Scope {
  all: boolean;
  supervisor: boolean;
  groupIds: number[];
  unitIds: number[];
}

export async function scopeOf(conn: Conn, openId: string, roles: Set<Role>): Promise<Scope | null> {
  if (isStaff(roles)) return { all: true, supervisor: false, groupIds: [], unitIds: [] };
  const supervisor = roles.has('supervisor');
  const groupIds = supervisor ? await memberGroupIds(conn, openId) : [];
  const unitIds = await contactUnitIds(conn, openId);
  if (!supervisor && !unitIds.length) return null;
  return { all: false, supervisor, groupIds, unitIds };
}

const coOf = (conn: Conn, unitIds: number[]) =>
  conn
    .select({ id: problemCoUnits.problemId })
    .from(problemCoUnits)
    .where(inArray(problemCoUnits.unitId, unitIds));

/** The same rule as relationOf, as SQL: what /清单 lists, /查看 shows. */
function scopeWhere(conn: Conn, s: Scope): SQL | undefined {
  if (s.all) return undefined;
  const parts: (SQL | undefined)[] = [];
  if (s.supervisor)
    parts.push(
      isNull(problems.groupId),
      s.groupIds.length ? inArray(problems.groupId, s.groupIds) : undefined,
    );
  if (s.unitIds.length)
    parts.push(inArray(problems.leadUnitId, s.unitIds), inArray(problems.id, coOf(conn, s.unitIds)));
  return or(...parts) ?? sql`false`;
}

// ---------------------------------------------------------------- /清单

export type StateFilter = ProblemState | 'overdue' | 'open';
export const STATE_FILTER_LABEL: Record<string, string> = { ...STATE_LABEL, overdue: '逾期', open: '未销号' };

export function parseStateFilter(word: string): StateFilter | undefined {
  const w = word.trim().toLowerCase();
  if (w === '逾期' || w === 'overdue') return 'overdue';
  if (w === '未销号' || w === 'open') return 'open';
  return STATES.find((k) => k === w || STATE_LABEL[k] === word.trim());
}

export interface ListFilter {
  unitId?: number;
  state?: StateFilter;
  page: number;
}

export const PAGE_SIZE = 10;

export async function listProblems(ctx: ServiceCtx, f: ListFilter): Promise<ListPageView> {
  const scope = await scopeOf(ctx.tx, ctx.actor.openId, ctx.actor.roles);
  if (!scope) throw forbidden('/清单 仅限工作人员、督导组成员和承办单位联络员使用。');
  const today = todayIn(ctx.now, ctx.config.timezone);
  const labels: string[] = [];
  const conds: (SQL | undefined)[] = [scopeWhere(ctx.tx, scope)];
  if (f.unitId !== undefined) {
    const names = await unitNameMap(ctx.tx, [f.unitId]);
    const name = names.get(f.unitId);
    if (!name) throw invalid('该单位已不存在，请重新发送 /清单。');
    if (!scope.all && !scope.supervisor && !scope.unitIds.includes(f.unitId))
      throw forbidden(`您只能查看本单位的问题，不能查看${name}的问题。`);
    labels.push(name);
    conds.push(or(eq(problems.leadUnitId, f.unitId), inArray(problems.id, coOf(ctx.tx, [f.unitId]))));
  }
  if (f.state) {
    labels.push(STATE_FILTER_LABEL[f.state]!);
    if (f.state === 'overdue') conds.push(inArray(problems.state, OPEN_STATES), lt(problems.deadline, today));
    else if (f.state === 'open') conds.push(inArray(problems.state, OPEN_STATES));
    else conds.push(eq(problems.state, f.state));
  }
  const where = and(...conds);
  const [{ n } = { n: 0 }] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(problems)
    .where(where);
  const pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
  const page = Math.min(Math.max(1, f.page), pages);
  const rows = await ctx.tx
    .select()
    .from(problems)
    .where(where)
    .orderBy(asc(problems.year), asc(problems.seq))
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE);
  const unitNames = await unitNameMap(
    ctx.tx,
    rows.map((r) => r.leadUnitId),
  );
  const clock = clockOf(ctx);
  const list: ListRow[] = rows.map((r) => ({
    code: r.code,
    title: r.title,
    leadUnitName: unitNames.get(r.leadUnitId) ?? `单位#${r.leadUnitId}`,
    stateLabel: STATE_LABEL[r.state] ?? r.state,
    deadline: r.deadline,
    overdueWorkdays: overdueWorkdays(r, clock),
    overdue: OPEN_STATES.includes(r.state) && r.deadline < today,
  }));
  const scopeNote = scope.all
    ? undefined
    : scope.supervisor
      ? '仅列出您所在督导组负责单位的问题（及未分组的问题）' +
        (scope.unitIds.length ? '和本单位的问题。' : '。')
      : '仅列出本单位牵头或配合的问题。';
  return {
    rows: list,
    total: n,
    page,
    pages,
    filterLabels: labels,
    scopeNote,
    filter: { ...(f.unitId !== undefined ? { u: f.unitId } : {}), ...(f.state ? { s: f.state } : {}) },
  };
}

// ---------------------------------------------------------------- /统计 and /排名

/** What /统计, /排名 and /评议对象 count: every problem's state, category, lead unit and deadline, and cooperating units. */
export async function tallyFacts(ctx: Pick<ServiceCtx, 'tx'>) {
  const facts = await ctx.tx
    .select({
      state: problems.state,
      category: problems.category,
      leadUnitId: problems.leadUnitId,
      deadline: problems.deadline,
    })
    .from(problems);
  const co = await ctx.tx
    .select({ unitId: problemCoUnits.unitId })
    .from(problemCoUnits)
    .innerJoin(problems, eq(problems.id, problemCoUnits.problemId))
    .where(ne(problems.state, 'withdrawn'));
  return { facts, coUnitIds: co.map((c) => c.unitId) };
}

async function tallies(ctx: ServiceCtx): Promise<{ view: StatsView; units: UnitTally[] }> {
  const today = todayIn(ctx.now, ctx.config.timezone);
  const { facts, coUnitIds } = await tallyFacts(ctx);
  const all = await allUnits(ctx.tx);
  const t = tally(facts, coUnitIds, all, today);
  return {
    view: {
      ...t,
      byUnit: rankUnits(t.units).map((r) => r.item),
      idleUnits: all.length - t.units.length,
      today,
    },
    units: t.units,
  };
}

function mustStaffOrSupervisor(ctx: ServiceCtx, what: string) {
  if (!isStaff(ctx.actor.roles) && !ctx.actor.roles.has('supervisor'))
    throw forbidden(`${what} 仅限工作人员或督导组成员使用。`);
}

export async function statsCardFor(ctx: ServiceCtx): Promise<Card> {
  mustStaffOrSupervisor(ctx, '/统计');
  return statsCard((await tallies(ctx)).view);
}

export async function rankCardFor(ctx: ServiceCtx): Promise<Card> {
  mustStaffOrSupervisor(ctx, '/排名');
  const { view, units } = await tallies(ctx);
  return rankCard(rankUnits(units), { today: view.today, idleUnits: view.idleUnits });
}
