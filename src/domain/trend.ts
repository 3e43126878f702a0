/** One month of a trend (by month of assignment): the whole campaign, one lead unit or one category. */
export interface TrendRow {
  month: string;
  by: 'all' | 'unit' | 'category';
  unitId: number | null;
  category: string | null;
  problems: number;
  closed: number;
  /** Open past the deadline now, or closed after it. */
  overdue: number;
  /** Median workdays from 交办 to 签收 (MTTA) and to 销号 (MTTR); null with none acknowledged/closed. */
  mtta: number | null;
  mttr: number | null;
}

export interface TrendView {
  campaign: string;
  today: string;
  /** The unit asked for, or null for the whole campaign. */
  unit: string | null;
  months: string[];
  /** The campaign's (or the unit's) months. */
  overall: TrendRow[];
  /** Per category (the unit's problems only, when a unit was asked for). */
  byCategory: { category: string; rows: TrendRow[] }[];
  /** Per lead unit, when no unit was asked for. */
  byUnit: { unit: string; rows: TrendRow[] }[];
}

/** The last `n` months up to and including today's, oldest first: 2026-07 … 2026-12. */
export function lastMonths(today: string, n: number): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const t = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

/** 办结率 of a month: closed ÷ problems, null without problems. */
export const trendCloseRate = (r: TrendRow | undefined) => (r?.problems ? r.closed / r.problems : null);
