import { describe, expect, it } from 'vitest';
import {
  groupCategories,
  MERGED_LABEL,
  type PoolRow,
  parseChoice,
  parseVoterCategory,
  rankResults,
  resultChartSpec,
  tallyPool,
  unitsForReinspection,
} from '../../src/domain/tally.js';

const m = (o: Record<string, number>) => new Map(Object.entries(o));

describe('groupCategories (a category of fewer than 3 voters is never shown alone)', () => {
  it('shows every category with 3 or more voters on its own', () => {
    const r = groupCategories(m({ 常委会委员: 5, 人大代表: 3, 群众代表: 4 }));
    expect(r.groups.map((g) => [g.label, g.voters])).toEqual([
      ['常委会委员', 5],
      ['人大代表', 3],
      ['群众代表', 4],
    ]);
    expect(r.note).toBeNull();
  });

  it('merges small categories into 其他代表 when together they reach 3', () => {
    const r = groupCategories(m({ 常委会委员: 6, 群众代表: 2, 企业家代表: 1 }));
    expect(r.groups).toEqual([
      { label: '常委会委员', categories: ['常委会委员'], voters: 6 },
      { label: MERGED_LABEL, categories: ['群众代表', '企业家代表'], voters: 3 },
    ]);
    expect(r.note).toContain('合并为「其他代表」');
  });

  it('folds the smallest shown category in when 其他代表 would still be under 3 (total − shown would reveal it)', () => {
    const r = groupCategories(m({ 常委会委员: 4, 人大代表: 3, 群众代表: 1, 企业家代表: 1 }));
    expect(r.groups).toEqual([
      { label: '常委会委员', categories: ['常委会委员'], voters: 4 },
      { label: MERGED_LABEL, categories: ['人大代表', '群众代表', '企业家代表'], voters: 5 },
    ]);
    // Every group shown has ≥ 3 voters and the groups add up to the total: nothing to subtract.
    expect(r.groups.reduce((s, g) => s + g.voters, 0)).toBe(9);
  });

  it('shows the total only when merging leaves a single group or too few voters', () => {
    expect(groupCategories(m({ 常委会委员: 5, 群众代表: 1 })).groups).toEqual([]);
    expect(groupCategories(m({ 群众代表: 1, 企业家代表: 1 })).groups).toEqual([]);
    expect(groupCategories(m({ 人大代表: 2, 群众代表: 2 })).groups).toEqual([]);
    expect(groupCategories(m({ 常委会委员: 7 })).groups).toEqual([]);
    expect(groupCategories(m({ 常委会委员: 5, 群众代表: 1 })).note).toContain('只公布总体结果');
  });

  it('ignores categories nobody voted in', () => {
    const r = groupCategories(m({ 常委会委员: 3, 人大代表: 3, 群众代表: 0 }));
    expect(r.groups.map((g) => g.label)).toEqual(['常委会委员', '人大代表']);
  });
});

describe('tallyPool (hand-computed)', () => {
  const units = [
    { id: 1, name: '市教育局' },
    { id: 2, name: '市卫健局' },
    { id: 3, name: '市人社局' },
  ];
  // category, 教育, 卫健, 人社 — s 满意, b 基本满意, d 不满意
  const ballots: [string, string, string, string][] = [
    ['常委会委员', 's', 's', 's'],
    ['常委会委员', 'd', 'b', 's'],
    ['常委会委员', 'b', 's', 'b'],
    ['常委会委员', 's', 'd', 's'],
    ['人大代表', 's', 's', 's'],
    ['人大代表', 'b', 's', 's'],
    ['人大代表', 'd', 'b', 'b'],
    ['群众代表', 's', 's', 's'],
    ['企业家代表', 'b', 's', 's'],
  ];
  const code = { s: 'satisfied', b: 'basic', d: 'dissatisfied' } as const;
  const pool: PoolRow[] = ballots.flatMap(([category, ...c]) =>
    c.map((x, i) => ({ category, unitId: i + 1, choice: code[x as keyof typeof code] })),
  );
  const r = tallyPool(units, pool);
  const byName = (n: string) => r.units.find((u) => u.name === n)!;

  it('counts per unit and ranks by 满意率, then fewest 不满意', () => {
    expect(r.voters).toBe(9);
    expect(r.units.map((u) => [u.rank, u.name])).toEqual([
      [1, '市人社局'],
      [2, '市卫健局'],
      [3, '市教育局'],
    ]);
    expect(byName('市教育局').counts).toEqual({ satisfied: 4, basic: 3, dissatisfied: 2, total: 9 });
    expect(byName('市卫健局').counts).toEqual({ satisfied: 6, basic: 2, dissatisfied: 1, total: 9 });
    expect(byName('市人社局').counts).toEqual({ satisfied: 7, basic: 2, dissatisfied: 0, total: 9 });
    expect(byName('市教育局').rates.satisfied).toBeCloseTo(4 / 9);
    expect(byName('市教育局').rates.dissatisfied).toBeCloseTo(2 / 9);
  });

  it('breaks down by category with the < 3 merge', () => {
    expect(r.groups.map((g) => [g.label, g.voters])).toEqual([
      ['常委会委员', 4],
      ['其他代表', 5],
    ]);
    expect(byName('市教育局').byGroup.map((g) => [g.label, g.counts])).toEqual([
      ['常委会委员', { satisfied: 2, basic: 1, dissatisfied: 1, total: 4 }],
      ['其他代表', { satisfied: 2, basic: 2, dissatisfied: 1, total: 5 }],
    ]);
    expect(byName('市卫健局').byGroup.map((g) => g.counts)).toEqual([
      { satisfied: 2, basic: 1, dissatisfied: 1, total: 4 },
      { satisfied: 4, basic: 1, dissatisfied: 0, total: 5 },
    ]);
    expect(byName('市人社局').byGroup.map((g) => g.counts)).toEqual([
      { satisfied: 3, basic: 1, dissatisfied: 0, total: 4 },
      { satisfied: 4, basic: 1, dissatisfied: 0, total: 5 },
    ]);
  });

  it('selects the units for 回头看 by their 不满意 votes', () => {
    expect(unitsForReinspection(r, 1).map((u) => u.name)).toEqual(['市卫健局', '市教育局']);
    expect(unitsForReinspection(r, 2).map((u) => u.name)).toEqual(['市教育局']);
    expect(unitsForReinspection(r, 3)).toEqual([]);
  });

  it('gives a stacked bar per unit', () => {
    const spec = resultChartSpec(r);
    expect(spec).toMatchObject({ type: 'bar', stack: true, xField: 'unit', seriesField: 'choice' });
    expect((spec.data as { values: unknown[] }[])[0]!.values).toHaveLength(9);
  });

  it('a vote nobody voted in tallies to zeros, rates unknown', () => {
    const empty = tallyPool(units, []);
    expect(empty.voters).toBe(0);
    expect(empty.units.every((u) => u.counts.total === 0 && u.rates.satisfied === null && u.rank === 1)).toBe(
      true,
    );
  });
});

describe('rankResults', () => {
  const u = (name: string, s: number, d: number) => ({
    unitId: 0,
    name,
    rank: 0,
    counts: { satisfied: s, basic: 10 - s - d, dissatisfied: d, total: 10 },
    rates: { satisfied: s / 10, basic: (10 - s - d) / 10, dissatisfied: d / 10 },
    byGroup: [],
  });
  it('shares a rank only when both 满意率 and 不满意 are equal', () => {
    const r = rankResults([u('丙', 6, 1), u('甲', 6, 1), u('乙', 6, 0), u('丁', 8, 2)]);
    expect(r.map((x) => [x.rank, x.name])).toEqual([
      [1, '丁'],
      [2, '乙'],
      [3, '丙'],
      [3, '甲'],
    ]);
  });
});

describe('parsing', () => {
  it('knows the four categories and their short forms, and the three choices', () => {
    expect(parseVoterCategory('企业家')).toBe('企业家代表');
    expect(parseVoterCategory('常委会委员')).toBe('常委会委员');
    expect(parseVoterCategory('游客')).toBeUndefined();
    expect(parseChoice('基本满意')).toBe('basic');
    expect(parseChoice('dissatisfied')).toBe('dissatisfied');
    expect(parseChoice('很满意')).toBeUndefined();
    expect(parseChoice(3)).toBeUndefined();
  });
});
