/**
 * 满意度测评 tallies (docs/domain.md §4): pure rules, no database. The closing transaction feeds the
 * ballot pool (category, unit, choice — no voter) in and stores what comes out; nothing here ever
 * sees who voted.
 */
import { stackedBarSpec } from './chart-spec.js';
import { competitionRank } from './ranking.js';

export const VOTER_CATEGORIES = ['常委会委员', '人大代表', '群众代表', '企业家代表'] as const;
export type VoterCategory = (typeof VOTER_CATEGORIES)[number];

/** Short forms people type: 委员, 代表, 群众, 企业家. */
const CATEGORY_ALIASES: Record<string, VoterCategory> = {
  委员: '常委会委员',
  常委: '常委会委员',
  代表: '人大代表',
  群众: '群众代表',
  企业家: '企业家代表',
  企业: '企业家代表',
};

export function parseVoterCategory(s: string): VoterCategory | undefined {
  const t = s.trim();
  return (VOTER_CATEGORIES as readonly string[]).includes(t) ? (t as VoterCategory) : CATEGORY_ALIASES[t];
}

export const CHOICES = ['satisfied', 'basic', 'dissatisfied'] as const;
export type Choice = (typeof CHOICES)[number];
export const CHOICE_LABEL: Record<Choice, string> = {
  satisfied: '满意',
  basic: '基本满意',
  dissatisfied: '不满意',
};

export function parseChoice(v: unknown): Choice | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if ((CHOICES as readonly string[]).includes(t)) return t as Choice;
  return CHOICES.find((c) => CHOICE_LABEL[c] === t);
}

/**
 * A voter category's breakdown is shown only when at least this many voters stand behind it
 * (docs/decisions/0005-secret-ballot.md): below that, a reader who knows who voted learns how.
 */
export const MIN_GROUP = 3;
export const MERGED_LABEL = '其他代表';

export interface Counts {
  satisfied: number;
  basic: number;
  dissatisfied: number;
  total: number;
}

export interface Rates {
  satisfied: number | null;
  basic: number | null;
  dissatisfied: number | null;
}

/** A breakdown group: one category, or several merged (其他代表). */
export interface CategoryGroup {
  label: string;
  categories: string[];
  voters: number;
}

export interface UnitResult {
  unitId: number;
  name: string;
  rank: number;
  counts: Counts;
  rates: Rates;
  /** Per breakdown group, in the order of `groups`; empty when only the total may be shown. */
  byGroup: { label: string; counts: Counts; rates: Rates }[];
}

/** What the closing transaction stores in evaluations.results. */
export interface TallyResult {
  voters: number;
  groups: CategoryGroup[];
  /** Why some categories are not shown alone (Chinese, for cards and the public page). */
  mergeNote: string | null;
  /** Ranked: by 满意率 (highest first), then fewest 不满意; equal on both share a rank. */
  units: UnitResult[];
}

export interface PoolRow {
  category: string;
  unitId: number;
  choice: string;
}

const blank = (): Counts => ({ satisfied: 0, basic: 0, dissatisfied: 0, total: 0 });

export function ratesOf(c: Counts): Rates {
  const r = (n: number) => (c.total > 0 ? n / c.total : null);
  return { satisfied: r(c.satisfied), basic: r(c.basic), dissatisfied: r(c.dissatisfied) };
}

const categoryOrder = (c: string) => {
  const i = (VOTER_CATEGORIES as readonly string[]).indexOf(c);
  return i < 0 ? VOTER_CATEGORIES.length : i;
};

/**
 * Which categories may be shown, and merged how. Categories with fewer than MIN_GROUP voters are
 * merged into 其他代表. If 其他代表 still has fewer than MIN_GROUP voters, it is NOT simply left
 * out: total − (shown categories) would give it back exactly (a differencing attack). Instead the
 * smallest shown category joins it, so every group shown has ≥ MIN_GROUP voters and the groups
 * always add up to the total. With nothing to join, or when one group would equal the total,
 * only the total is shown. See docs/decisions/0005-secret-ballot.md.
 */
export function groupCategories(votersByCategory: ReadonlyMap<string, number>): {
  groups: CategoryGroup[];
  note: string | null;
} {
  const present = [...votersByCategory.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => categoryOrder(a[0]) - categoryOrder(b[0]) || a[0].localeCompare(b[0], 'zh'));
  const big = present.filter(([, n]) => n >= MIN_GROUP);
  const small = present.filter(([, n]) => n < MIN_GROUP);
  if (!small.length) {
    const groups = big.map(([c, n]) => ({ label: c, categories: [c], voters: n }));
    return groups.length > 1
      ? { groups, note: null }
      : { groups: [], note: groups.length ? '仅一类投票人参加，不再分类列示。' : null };
  }
  const merged = [...small];
  let sum = merged.reduce((s, [, n]) => s + n, 0);
  let folded: string | undefined;
  if (sum < MIN_GROUP && big.length) {
    // The smallest shown category (the later one in the fixed order on a tie) joins 其他代表.
    const smallest = [...big].sort((a, b) => a[1] - b[1] || categoryOrder(b[0]) - categoryOrder(a[0]))[0]!;
    big.splice(big.indexOf(smallest), 1);
    merged.push(smallest);
    merged.sort((a, b) => categoryOrder(a[0]) - categoryOrder(b[0]));
    sum += smallest[1];
    folded = smallest[0];
  }
  const smallNames = small.map(([c]) => c).join('、');
  if (sum < MIN_GROUP || !big.length) {
    // Merging leaves a single group (the total itself), or too few voters to show anything apart.
    return {
      groups: [],
      note: `${smallNames}投票人数不足 ${MIN_GROUP} 人，为保护投票秘密，只公布总体结果，不分类列示。`,
    };
  }
  const groups: CategoryGroup[] = [
    ...big.map(([c, n]) => ({ label: c, categories: [c], voters: n })),
    { label: MERGED_LABEL, categories: merged.map(([c]) => c), voters: sum },
  ];
  const note = folded
    ? `${smallNames}投票人数不足 ${MIN_GROUP} 人，与${folded}合并为「${MERGED_LABEL}」列示（单独合并仍不足 ${MIN_GROUP} 人，否则可由总数倒推）。`
    : `${smallNames}投票人数不足 ${MIN_GROUP} 人，合并为「${MERGED_LABEL}」列示。`;
  return { groups, note };
}

/**
 * The tally of a closed vote. Every ballot covers every unit (a ballot is refused unless each unit
 * has a choice), so a category's voters are its rows for any one unit.
 */
export function tallyPool(
  units: readonly { id: number; name: string }[],
  pool: readonly PoolRow[],
): TallyResult {
  const byUnit = new Map<number, Counts>(units.map((u) => [u.id, blank()]));
  const byUnitCat = new Map<string, Counts>();
  const perUnitCat = new Map<string, number>();
  for (const r of pool) {
    const choice = parseChoice(r.choice);
    const u = byUnit.get(r.unitId);
    if (!choice || !u) continue;
    u[choice]++;
    u.total++;
    const key = `${r.unitId}\u0000${r.category}`;
    const c = byUnitCat.get(key) ?? blank();
    c[choice]++;
    c.total++;
    byUnitCat.set(key, c);
    perUnitCat.set(key, (perUnitCat.get(key) ?? 0) + 1);
  }
  const voters = new Map<string, number>();
  for (const [key, n] of perUnitCat) {
    const cat = key.split('\u0000')[1]!;
    voters.set(cat, Math.max(voters.get(cat) ?? 0, n));
  }
  const { groups, note } = groupCategories(voters);
  const results = units.map((u) => {
    const counts = byUnit.get(u.id)!;
    const byGroup = groups.map((g) => {
      const c = blank();
      for (const cat of g.categories) {
        const x = byUnitCat.get(`${u.id}\u0000${cat}`);
        if (!x) continue;
        c.satisfied += x.satisfied;
        c.basic += x.basic;
        c.dissatisfied += x.dissatisfied;
        c.total += x.total;
      }
      return { label: g.label, counts: c, rates: ratesOf(c) };
    });
    return { unitId: u.id, name: u.name, rank: 0, counts, rates: ratesOf(counts), byGroup };
  });
  return {
    voters: [...voters.values()].reduce((s, n) => s + n, 0),
    groups,
    mergeNote: note,
    units: rankResults(results),
  };
}

/** Higher 满意率 first; then fewer 不满意; equal on both share a rank (1, 1, 3); by name inside a tie. */
export function rankResults(units: UnitResult[]): UnitResult[] {
  const sat = (u: UnitResult) => u.rates.satisfied ?? -1;
  const dis = (u: UnitResult) => u.rates.dissatisfied ?? 2;
  return competitionRank(
    units,
    (a, b) => sat(b) - sat(a) || dis(a) - dis(b),
    (a, b) => a.name.localeCompare(b.name, 'zh'),
  ).map(({ rank, item }) => ({ ...item, rank }));
}

/** Units whose 不满意 votes reach the threshold enter 回头看 (docs/domain.md §5). */
export function unitsForReinspection(r: TallyResult, threshold: number): UnitResult[] {
  return r.units.filter((u) => u.counts.dissatisfied >= threshold);
}

/** A VChart stacked bar Lark renders itself: per unit, 满意 / 基本满意 / 不满意. */
export function resultChartSpec(r: TallyResult): Record<string, unknown> {
  const values = r.units.flatMap((u) =>
    CHOICES.map((c) => ({ unit: u.name, choice: CHOICE_LABEL[c], votes: u.counts[c] })),
  );
  return stackedBarSpec({
    id: 'votes',
    values,
    x: 'unit',
    y: 'votes',
    series: 'choice',
    color: ['#34a853', '#fbbc04', '#ea4335'],
  });
}
