import { CATEGORIES, OPEN_STATES, type ProblemState, STATE_LABEL, STATES } from './problem.js';

/**
 * Competition ranking ("1, 1, 3"): equal scores share a rank and the next rank skips the tied
 * places (README.md `/排名`: units with equal counts share a rank; inside a tie, by name).
 */
export interface Ranked<T> {
  rank: number;
  item: T;
}

/**
 * The one competition ranking: sorted by `order` (negative: `a` ranks higher; 0: tied), then by
 * `byName` inside a tie; tied items share a rank.
 */
export function competitionRank<T>(
  items: readonly T[],
  order: (a: T, b: T) => number,
  byName: (a: T, b: T) => number,
): Ranked<T>[] {
  const sorted = [...items].sort((a, b) => order(a, b) || byName(a, b));
  const out: Ranked<T>[] = [];
  sorted.forEach((item, i) => {
    const prev = out[i - 1];
    const rank = prev && order(sorted[i - 1]!, item) === 0 ? prev.rank : i + 1;
    out.push({ rank, item });
  });
  return out;
}

/** Sorts by score (highest first), then by name in Chinese collation; ties share a rank. */
export function rankBy<T>(items: readonly T[], score: (t: T) => number, name: (t: T) => string): Ranked<T>[] {
  return competitionRank(
    items,
    (a, b) => score(b) - score(a),
    (a, b) => name(a).localeCompare(name(b), 'zh'),
  );
}

/** A unit's figures for the ranking and the statistics. */
export interface UnitTally {
  unitId: number;
  name: string;
  /** Problems led, withdrawn ones excluded. */
  led: number;
  /** Problems the unit cooperates on (counted separately, not in `led`). */
  co: number;
  closed: number;
  open: number;
  overdue: number;
}

/** 办结率 = closed ÷ (all − withdrawn); null when there is nothing to close. */
export function closeRate(closed: number, countable: number): number | null {
  return countable > 0 ? closed / countable : null;
}

/** The one percent format: one decimal (50.0%), "—" when there is no rate. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** Units ranked by problems led (withdrawn excluded); ties share a rank, by name inside a tie. */
export function rankUnits(tallies: readonly UnitTally[]): Ranked<UnitTally>[] {
  return rankBy(
    tallies,
    (t) => t.led,
    (t) => t.name,
  );
}

/** Figures of one slice (all, a unit, a category); withdrawn problems are not counted. */
export interface Figures {
  count: number;
  open: number;
  overdue: number;
  closed: number;
}

export interface ProblemFacts {
  state: ProblemState;
  category: string | null;
  leadUnitId: number;
  deadline: string;
}

export interface Tallies {
  totals: Figures & { withdrawn: number };
  byState: { label: string; count: number }[];
  /** The six categories in their fixed order, others after, 未分类 last; only those with problems. */
  byCategory: ({ name: string } & Figures)[];
  /** Units with at least one problem, led or cooperating, in the order given. */
  units: UnitTally[];
}

const blank = (): Figures => ({ count: 0, open: 0, overdue: 0, closed: 0 });

/**
 * The statistics of `/统计` and `/排名`. Overdue: open and past the deadline (README.md: overdue
 * from the day after it). 办结率 is computed from these: closed ÷ count.
 */
export function tally(
  facts: readonly ProblemFacts[],
  coUnitIds: readonly number[],
  units: readonly { id: number; name: string }[],
  today: string,
): Tallies {
  const totals = { ...blank(), withdrawn: 0 };
  const byCat = new Map<string, Figures>();
  const byUnit = new Map<number, Figures>();
  const byState = new Map<string, number>();
  for (const r of facts) {
    byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
    if (r.state === 'withdrawn') {
      totals.withdrawn++;
      continue;
    }
    const open = OPEN_STATES.includes(r.state);
    const cat = r.category ?? '未分类';
    if (!byCat.has(cat)) byCat.set(cat, blank());
    if (!byUnit.has(r.leadUnitId)) byUnit.set(r.leadUnitId, blank());
    for (const f of [totals, byCat.get(cat)!, byUnit.get(r.leadUnitId)!]) {
      f.count++;
      if (open) f.open++;
      if (open && r.deadline < today) f.overdue++;
      if (r.state === 'closed') f.closed++;
    }
  }
  const co = new Map<number, number>();
  for (const id of coUnitIds) co.set(id, (co.get(id) ?? 0) + 1);
  const known: string[] = [...CATEGORIES];
  const cats = [...known, ...[...byCat.keys()].filter((c) => !known.includes(c) && c !== '未分类'), '未分类'];
  return {
    totals,
    byState: STATES.filter((s) => byState.has(s)).map((s) => ({
      label: STATE_LABEL[s],
      count: byState.get(s)!,
    })),
    byCategory: cats.filter((c) => byCat.has(c)).map((name) => ({ name, ...byCat.get(name)! })),
    units: units
      .filter((u) => byUnit.has(u.id) || co.has(u.id))
      .map((u) => {
        const f = byUnit.get(u.id) ?? blank();
        return {
          unitId: u.id,
          name: u.name,
          led: f.count,
          co: co.get(u.id) ?? 0,
          closed: f.closed,
          open: f.open,
          overdue: f.overdue,
        };
      }),
  };
}
