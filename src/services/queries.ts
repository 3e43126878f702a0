import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { ListPageView, ListRow } from '../../cards/list.js';
import type { ShowView } from '../../cards/show.js';
import type { StatsView } from '../../cards/stats.js';
import { outbox, problems } from '../../db/schema/index.js';
import type { Conn } from '../db.js';
import { canSee, capabilities } from '../domain/capabilities.js';
import { todayIn } from '../domain/dates.js';
import { forbidden, invalid } from '../domain/errors.js';
import { OPEN_STATES, STATE_LABEL } from '../domain/problem.js';
import { type Ranked, rankUnits, tally, type UnitTally } from '../domain/ranking.js';
import { PERMANENT_CODES } from '../outbox/failure-labels.js';
import { mustStaffOrSupervisor } from './auth.js';
import {
  allCampaigns,
  type CampaignRow,
  campaignById,
  campaignFor,
  currentCampaign,
  openCampaignIds,
  resolveCampaign,
} from './campaigns/read.js';
import type { ServiceCtx } from './context.js';
import { campaignProblems } from './documents/problem-set.js';
import { namesOf } from './people/read.js';
import {
  type Scope,
  STATE_FILTER_LABEL,
  type StateFilter,
  scopeOf,
  scopeWhere,
  stateWhere,
  unitWhere,
} from './problem-filter.js';
import {
  findProblem,
  loadEvidence,
  loadHistory,
  loadView,
  overdueWorkdays,
  relationOf,
  unitNameMap,
} from './problems/load.js';
import { clockOf } from './problems/view.js';
import { satisfactionCounts } from './revisits/rates.js';
import { revisitLines } from './revisits/read.js';
import { tallyFacts } from './tally-facts.js';
import { allUnits } from './units/read.js';

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
 * `/查看`: the problem as the viewer may see it (their buttons, fresh: Lark lets a card be clicked
 * for 14 days only), its whole history by name, the evidence list and 未送达.
 */
export async function showProblem(
  ctx: ServiceCtx,
  ref: string,
): Promise<{ show: ShowView; problemId: number }> {
  const row = await findProblem(ctx.tx, ref);
  const rel = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, row);
  if (!canSee(rel))
    throw forbidden(`您无权查看 ${row.code}。只有承办单位联络员、负责的督导组成员和工作人员可以查看。`);
  const view = await loadView(ctx.tx, row, clockOf(ctx));
  const show: ShowView = {
    view,
    caps: capabilities(view, rel),
    timezone: ctx.config.timezone,
    history: await loadHistory(ctx.tx, row.id),
    evidence: await loadEvidence(ctx.tx, row.id),
    asCo: rel.co && !rel.lead,
    undelivered: await undelivered(ctx.tx, row.id),
    revisit: rel.staff || rel.supervisor ? await revisitLines(ctx.tx, row) : [],
  };
  return { show, problemId: row.id };
}

// ---------------------------------------------------------------- /清单

export interface ListFilter {
  /** `议题:<名称>`; else the asker's current campaign (a contact: all their open campaigns). */
  campaign?: string;
  /** The campaign a list card was made for (its page buttons carry it). */
  campaignId?: number;
  unitId?: number;
  state?: StateFilter;
  page: number;
}

export const PAGE_SIZE = 10;

/**
 * The campaign a list shows: the card's, `议题:<名称>`, or the asker's current one. A unit
 * contact without a choice sees all open campaigns (undefined), grouped on the card.
 */
async function listedCampaign(
  ctx: ServiceCtx,
  f: ListFilter,
  scope: Scope,
): Promise<CampaignRow | undefined> {
  if (f.campaignId !== undefined) return campaignById(ctx.tx, f.campaignId);
  if (f.campaign !== undefined) return resolveCampaign(ctx.tx, f.campaign);
  if (!scope.all && !scope.supervisor) return undefined;
  return currentCampaign(ctx.tx, ctx.actor.openId);
}

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
    conds.push(unitWhere(ctx.tx, f.unitId));
  }
  if (f.state) {
    labels.push(STATE_FILTER_LABEL[f.state]!);
    conds.push(...stateWhere(f.state, today));
  }
  const campaign = await listedCampaign(ctx, f, scope);
  conds.push(
    campaign ? eq(problems.campaignId, campaign.id) : inArray(problems.campaignId, openCampaignIds(ctx.tx)),
  );
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
    .orderBy(asc(problems.campaignId), asc(problems.year), asc(problems.seq))
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE);
  const unitNames = await unitNameMap(
    ctx.tx,
    rows.map((r) => r.leadUnitId),
  );
  const clock = clockOf(ctx);
  const campaignNames = new Map((await allCampaigns(ctx.tx)).map((c) => [c.id, c.name]));
  const list: ListRow[] = rows.map((r) => ({
    campaignName: campaignNames.get(r.campaignId) ?? '',
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
    filter: {
      ...(campaign ? { c: campaign.id } : {}),
      ...(f.unitId !== undefined ? { u: f.unitId } : {}),
      ...(f.state ? { s: f.state } : {}),
    },
    ...(campaign ? { campaignName: campaign.name } : {}),
  };
}

// ---------------------------------------------------------------- /统计 and /排名

/** The facts live in tally-facts.ts; re-exported for /评议对象 (services/evaluation/units.ts). */
export { tallyFacts };

async function tallies(
  ctx: ServiceCtx,
  named?: string,
): Promise<{ view: StatsView; units: UnitTally[]; campaign: CampaignRow }> {
  const today = todayIn(ctx.now, ctx.config.timezone);
  const campaign = await campaignFor(ctx.tx, ctx.actor.openId, named);
  const { facts, coUnitIds } = await tallyFacts(ctx, campaign.id);
  const all = await allUnits(ctx.tx);
  const t = tally(facts, coUnitIds, all, today);
  return {
    view: {
      ...t,
      byUnit: rankUnits(t.units).map((r) => r.item),
      idleUnits: all.length - t.units.length,
      today,
      campaignName: campaign.name,
    },
    units: t.units,
    campaign,
  };
}

/** `/统计 [议题:<名称>]`: one campaign's figures per state, category and unit, with 满意率 and 首次办结满意率 (回访). */
export async function statsFor(ctx: ServiceCtx, named?: string): Promise<StatsView> {
  mustStaffOrSupervisor(ctx.actor, '/统计');
  const { view, campaign } = await tallies(ctx, named);
  const s = await satisfactionCounts(ctx.tx, campaignProblems(campaign.id));
  return { ...view, satisfaction: { total: s.total, byUnit: s.byUnit } };
}

export interface RankingView {
  ranked: Ranked<UnitTally>[];
  today: string;
  idleUnits: number;
  campaignName: string;
}

/** `/排名 [议题:<名称>]`: units ranked by the problems they lead in one campaign (equal counts share a place). */
export async function rankingFor(ctx: ServiceCtx, named?: string): Promise<RankingView> {
  mustStaffOrSupervisor(ctx.actor, '/排名');
  const { view, units, campaign } = await tallies(ctx, named);
  return {
    ranked: rankUnits(units),
    today: view.today,
    idleUnits: view.idleUnits,
    campaignName: campaign.name,
  };
}
