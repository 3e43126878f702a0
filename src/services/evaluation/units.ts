import { eq } from 'drizzle-orm';
import { evaluatedUnits, groupUnits, supervisionGroups } from '../../../db/schema/index.js';
import { todayIn } from '../../domain/dates.js';
import { conflict, invalid } from '../../domain/errors.js';
import { type Ranked, rankUnits, tally, type UnitTally } from '../../domain/ranking.js';
import type { ServiceCtx } from '../context.js';
import { assignUnits, type UnitsAssigned } from '../groups/assign-units.js';
import { tallyFacts } from '../queries.js';
import { allUnits, resolveUnit, type UnitRow } from '../units/read.js';
import { auditEval, mustStaff, openEvaluation } from './common.js';

/**
 * 评议对象 (docs/domain.md §3): the units under evaluation, chosen by staff from the /排名 ranking
 * (problems led; cooperating counted apart; equal counts share a rank). Each follows a supervision
 * group; all other units go to a catch-all group.
 */

/** The same ranking /排名 shows. */
export async function unitRanking(ctx: ServiceCtx): Promise<Ranked<UnitTally>[]> {
  const { facts, coUnitIds } = await tallyFacts(ctx);
  const t = tally(facts, coUnitIds, await allUnits(ctx.tx), todayIn(ctx.now, ctx.config.timezone));
  return rankUnits(t.units.filter((u) => u.led > 0));
}

async function mustNotBeVoting(ctx: ServiceCtx) {
  const open = await openEvaluation(ctx.tx);
  if (open) throw conflict(`满意度测评「${open.name}」正在进行，结束后才能修改评议对象。`);
}

/** Replaces the set of evaluated units. */
export async function setEvaluated(ctx: ServiceCtx, names: string[]): Promise<UnitRow[]> {
  mustStaff(ctx.actor, '设置评议对象');
  const list = [...new Set(names.map((s) => s.trim()).filter(Boolean))];
  if (!list.length) throw invalid('格式：/评议对象 设置 <单位>,<单位>…');
  await mustNotBeVoting(ctx);
  const all = await allUnits(ctx.tx);
  const chosen: UnitRow[] = [];
  for (const n of list) {
    const u = await resolveUnit(ctx.tx, n, all);
    if (!chosen.some((c) => c.id === u.id)) chosen.push(u);
  }
  const before = await ctx.tx.select().from(evaluatedUnits);
  await ctx.tx.delete(evaluatedUnits);
  await ctx.tx
    .insert(evaluatedUnits)
    .values(chosen.map((u) => ({ unitId: u.id, chosenBy: ctx.actor.openId, chosenAt: ctx.now })));
  await auditEval(
    ctx.tx,
    ctx.now,
    ctx.actor,
    'evaluation.units_set',
    { type: 'evaluated_units', id: 'current' },
    {
      before: { unitIds: before.map((b) => b.unitId) },
      after: { units: chosen.map((u) => u.name) },
    },
  );
  return chosen;
}

export type TopChoice =
  | {
      kind: 'set';
      chosen: UnitRow[];
      ranked: Ranked<UnitTally>[];
      tieIncluded: Ranked<UnitTally>[];
      short: boolean;
    }
  | {
      kind: 'tie';
      n: number;
      clear: Ranked<UnitTally>[];
      tied: Ranked<UnitTally>[];
      ranked: Ranked<UnitTally>[];
    };

/**
 * 前N: the top N of the ranking. When units share the rank at the boundary, nothing is set unless
 * `includeTies`: staff decide (the committee voted them in, 票决), the bot only says so.
 */
export async function chooseTop(ctx: ServiceCtx, n: number, includeTies: boolean): Promise<TopChoice> {
  mustStaff(ctx.actor, '设置评议对象');
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw invalid('名次数须为 1 到 50 之间的整数，如 /评议对象 前6');
  const ranked = await unitRanking(ctx);
  if (!ranked.length)
    throw invalid('尚无任何问题，无法按排名确定评议对象。可用 /评议对象 设置 <单位>,<单位>… 直接指定。');
  const boundary = ranked[Math.min(n, ranked.length) - 1]!.rank;
  const clear = ranked.filter((r) => r.rank < boundary);
  const atBoundary = ranked.filter((r) => r.rank === boundary);
  const overflow = clear.length + atBoundary.length > n;
  if (overflow && !includeTies) return { kind: 'tie', n, clear, tied: atBoundary, ranked };
  const picked = [...clear, ...atBoundary];
  const all = await allUnits(ctx.tx);
  const chosen = await setEvaluated(
    ctx,
    picked.map((r) => all.find((u) => u.id === r.item.unitId)!.name),
  );
  return { kind: 'set', chosen, ranked, tieIncluded: overflow ? atBoundary : [], short: ranked.length < n };
}

export interface EvaluatedListing {
  units: { unit: UnitRow; group: string | null; led: number; rank: number | null }[];
  /** Units neither evaluated nor followed by a group. */
  ungrouped: string[];
}

export async function listEvaluated(ctx: ServiceCtx): Promise<EvaluatedListing> {
  const chosen = new Set((await ctx.tx.select().from(evaluatedUnits)).map((e) => e.unitId));
  const all = await allUnits(ctx.tx);
  const links = await ctx.tx
    .select({ unitId: groupUnits.unitId, name: supervisionGroups.name })
    .from(groupUnits)
    .innerJoin(supervisionGroups, eq(supervisionGroups.id, groupUnits.groupId));
  const groupOf = new Map(links.map((l) => [l.unitId, l.name]));
  const ranked = await unitRanking(ctx);
  const rankOf = new Map(ranked.map((r) => [r.item.unitId, r]));
  return {
    units: all
      .filter((u) => chosen.has(u.id))
      .map((u) => ({
        unit: u,
        group: groupOf.get(u.id) ?? null,
        led: rankOf.get(u.id)?.item.led ?? 0,
        rank: rankOf.get(u.id)?.rank ?? null,
      }))
      .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.unit.name.localeCompare(b.unit.name, 'zh')),
    ungrouped: all.filter((u) => !chosen.has(u.id) && !groupOf.has(u.id)).map((u) => u.name),
  };
}

/** An evaluated unit to its supervision group (the same rule as /督导组 单位: its open problems follow). */
export async function assignEvaluatedUnit(
  ctx: ServiceCtx,
  unitName: string,
  groupName: string,
): Promise<UnitsAssigned & { evaluated: boolean }> {
  mustStaff(ctx.actor, '为评议对象分配督导组');
  const unit = await resolveUnit(ctx.tx, unitName);
  const r = await assignUnits(ctx, { group: groupName, units: [unit.name] });
  const [e] = await ctx.tx.select().from(evaluatedUnits).where(eq(evaluatedUnits.unitId, unit.id));
  return { ...r, evaluated: !!e };
}

/** 其余: every unit not evaluated and not yet in a group goes to the catch-all group. */
export async function assignRest(ctx: ServiceCtx, groupName: string): Promise<UnitsAssigned | null> {
  mustStaff(ctx.actor, '分配其余单位');
  const chosen = new Set((await ctx.tx.select().from(evaluatedUnits)).map((e) => e.unitId));
  const grouped = new Set(
    (await ctx.tx.select({ unitId: groupUnits.unitId }).from(groupUnits)).map((g) => g.unitId),
  );
  const rest = (await allUnits(ctx.tx)).filter((u) => !chosen.has(u.id) && !grouped.has(u.id));
  if (!rest.length) return null;
  return assignUnits(ctx, { group: groupName, units: rest.map((u) => u.name) });
}
