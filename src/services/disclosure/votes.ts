import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { evaluations, reinspectionItems, units } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { countReinspected, noReinspection, type ReinspectionCounts } from '../../domain/reinspection.js';
import { type Counts, type Rates, rankResults, ratesOf, type UnitResult } from '../../domain/tally.js';

/** The public page shows a unit by its short name (市人社局) when it has one. */
export const unitLabel = (u: { name: string; shortName: string | null }) => u.shortName?.trim() || u.name;

/**
 * evaluations.results belongs to the vote's code (domain/tally.ts TallyResult); it is parsed here,
 * not cast, and rates are recomputed from the counts: a vote whose results do not parse is left off.
 */
const CountsSchema = z.object({
  satisfied: z.number().int().min(0),
  basic: z.number().int().min(0),
  dissatisfied: z.number().int().min(0),
  total: z.number().int().min(0),
});
const ResultsSchema = z.object({
  voters: z.number().int().min(0).catch(0),
  mergeNote: z.string().nullable().catch(null),
  groups: z.array(z.object({ label: z.string() })).catch([]),
  units: z.array(
    z.object({
      unitId: z.number().int(),
      name: z.string(),
      rank: z.number().int().optional(),
      counts: CountsSchema,
      byGroup: z.array(z.object({ label: z.string(), counts: CountsSchema })).catch([]),
    }),
  ),
});

export interface PublicVoteUnit {
  rank: number;
  name: string;
  counts: Counts;
  rates: Rates;
  byGroup: { label: string; counts: Counts; rates: Rates }[];
}

export interface PublicVote {
  id: number;
  name: string;
  publishedAt: Date;
  voters: number;
  mergeNote: string | null;
  groups: string[];
  units: PublicVoteUnit[];
}

export interface PublicReinspection {
  evaluationName: string;
  units: ({ name: string } & ReinspectionCounts)[];
}

/** A campaign's votes whose results staff published (evaluations.publishedAt set), newest first. */
export async function publishedVotes(conn: Conn, campaignId: number): Promise<PublicVote[]> {
  const rows = await conn
    .select({
      id: evaluations.id,
      name: evaluations.name,
      results: evaluations.results,
      publishedAt: evaluations.publishedAt,
    })
    .from(evaluations)
    .where(and(isNotNull(evaluations.publishedAt), eq(evaluations.campaignId, campaignId)))
    .orderBy(desc(evaluations.publishedAt), desc(evaluations.id));
  const labels = new Map(
    (await conn.select({ id: units.id, name: units.name, shortName: units.shortName }).from(units)).map(
      (u) => [u.id, unitLabel(u)],
    ),
  );
  const out: PublicVote[] = [];
  for (const r of rows) {
    const parsed = ResultsSchema.safeParse(r.results);
    if (!parsed.success || !r.publishedAt) continue;
    const res = parsed.data;
    const asResults: UnitResult[] = res.units.map((u) => ({
      unitId: u.unitId,
      name: labels.get(u.unitId) ?? u.name,
      rank: u.rank ?? 0,
      counts: u.counts,
      rates: ratesOf(u.counts),
      byGroup: u.byGroup.map((g) => ({ label: g.label, counts: g.counts, rates: ratesOf(g.counts) })),
    }));
    // The stored rank is the vote's own; recomputed only when the results carry none.
    const ranked = asResults.every((u) => u.rank > 0)
      ? [...asResults].sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, 'zh'))
      : rankResults(asResults);
    out.push({
      id: r.id,
      name: r.name,
      publishedAt: r.publishedAt,
      voters: res.voters,
      mergeNote: res.mergeNote,
      groups: res.groups.map((g) => g.label),
      units: ranked.map((u) => ({
        rank: u.rank,
        name: u.name,
        counts: u.counts,
        rates: u.rates,
        byGroup: u.byGroup,
      })),
    });
  }
  return out;
}

/** 回头看 per unit, only for published votes: a round's units are those with 不满意 votes, itself a result. */
export async function publishedReinspection(conn: Conn, votes: PublicVote[]): Promise<PublicReinspection[]> {
  if (!votes.length) return [];
  const rows = await conn
    .select({
      evaluationId: reinspectionItems.evaluationId,
      unitId: units.id,
      name: units.name,
      shortName: units.shortName,
      status: reinspectionItems.status,
      n: sql<number>`count(*)::int`,
    })
    .from(reinspectionItems)
    .innerJoin(units, eq(units.id, reinspectionItems.unitId))
    .where(
      inArray(
        reinspectionItems.evaluationId,
        votes.map((v) => v.id),
      ),
    )
    .groupBy(reinspectionItems.evaluationId, units.id, units.name, units.shortName, reinspectionItems.status);
  return votes
    .map((v) => {
      const byUnit = new Map<number, PublicReinspection['units'][number]>();
      for (const r of rows.filter((x) => x.evaluationId === v.id)) {
        const u = byUnit.get(r.unitId) ?? { name: unitLabel(r), ...noReinspection() };
        countReinspected(u, r.status, r.n);
        byUnit.set(r.unitId, u);
      }
      return {
        evaluationName: v.name,
        units: [...byUnit.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh')),
      };
    })
    .filter((x) => x.units.length > 0);
}
