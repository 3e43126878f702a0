/** 回头看 progress of a unit (docs/domain.md §5): its closed problems re-checked, by outcome. */
export interface ReinspectionCounts {
  total: number;
  confirmed: number;
  reopened: number;
  pending: number;
}

export const noReinspection = (): ReinspectionCounts => ({ total: 0, confirmed: 0, reopened: 0, pending: 0 });

/** Counts `n` items of a status: confirmed (维持销号), reopened (重新整改), anything else still pending. */
export function countReinspected(c: ReinspectionCounts, status: string, n: number): void {
  c.total += n;
  if (status === 'confirmed') c.confirmed += n;
  else if (status === 'reopened') c.reopened += n;
  else c.pending += n;
}
