import { and, eq, inArray, sql } from 'drizzle-orm';
import { evaluations, reinspectionItems, units } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { countReinspected, noReinspection, type ReinspectionCounts } from '../../domain/reinspection.js';

/** Items of one unit by their decision (src/domain/reinspection.ts). */
export type ItemCounts = ReinspectionCounts;

export interface UnitProgress extends ItemCounts {
  evaluationId: number;
  evaluationName: string;
  unit: string;
}

/** /回头看 进度: decided / total per unit, newest round first. */
export async function reinspectionProgress(
  conn: Conn,
  unitIds?: number[],
  campaignId?: number,
): Promise<UnitProgress[]> {
  if (unitIds && !unitIds.length) return [];
  const rows = await conn
    .select({
      evaluationId: reinspectionItems.evaluationId,
      evaluationName: evaluations.name,
      unit: units.name,
      status: reinspectionItems.status,
      n: sql<number>`count(*)::int`,
    })
    .from(reinspectionItems)
    .innerJoin(units, eq(units.id, reinspectionItems.unitId))
    .innerJoin(evaluations, eq(evaluations.id, reinspectionItems.evaluationId))
    .where(
      and(
        unitIds ? inArray(reinspectionItems.unitId, unitIds) : undefined,
        campaignId === undefined ? undefined : eq(evaluations.campaignId, campaignId),
      ),
    )
    .groupBy(reinspectionItems.evaluationId, evaluations.name, units.name, reinspectionItems.status);
  const by = new Map<string, UnitProgress>();
  for (const r of rows) {
    const key = `${r.evaluationId}:${r.unit}`;
    const p = by.get(key) ?? {
      evaluationId: r.evaluationId,
      evaluationName: r.evaluationName,
      unit: r.unit,
      ...noReinspection(),
    };
    countReinspected(p, r.status, r.n);
    by.set(key, p);
  }
  return [...by.values()].sort(
    (a, b) => b.evaluationId - a.evaluationId || a.unit.localeCompare(b.unit, 'zh'),
  );
}

/** The digest line 「回头看：已核查 x/y」, while any item of a round in scope is still pending. */
export async function reinspectionDigest(
  conn: Conn,
  unitIds?: number[],
  campaignId?: number,
): Promise<{ decided: number; total: number } | undefined> {
  const rounds = await reinspectionProgress(conn, unitIds, campaignId);
  const active = new Set(rounds.filter((r) => r.pending > 0).map((r) => r.evaluationId));
  const inScope = rounds.filter((r) => active.has(r.evaluationId));
  if (!inScope.length) return undefined;
  const total = inScope.reduce((s, r) => s + r.total, 0);
  const pending = inScope.reduce((s, r) => s + r.pending, 0);
  return { decided: total - pending, total };
}
