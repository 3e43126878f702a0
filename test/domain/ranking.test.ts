import { describe, expect, it } from 'vitest';
import type { ProblemState } from '../../src/domain/problem.js';
import { closeRate, percent, rankBy, rankUnits, tally, type UnitTally } from '../../src/domain/ranking.js';

const unit = (name: string, led: number, o: Partial<UnitTally> = {}): UnitTally => ({
  unitId: 0,
  name,
  led,
  co: 0,
  closed: 0,
  open: led,
  overdue: 0,
  ...o,
});

describe('rankBy', () => {
  it('gives equal scores the same rank and skips the tied places (1, 1, 3)', () => {
    const r = rankBy(
      [
        { n: 'c', s: 5 },
        { n: 'a', s: 7 },
        { n: 'b', s: 7 },
        { n: 'd', s: 1 },
      ],
      (x) => x.s,
      (x) => x.n,
    );
    expect(r.map((x) => [x.rank, x.item.n])).toEqual([
      [1, 'a'],
      [1, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
  });

  it('handles a tie of three, a tie at the bottom and an empty list', () => {
    const r = rankBy(
      [3, 3, 3, 2, 1, 1].map((s, i) => ({ s, n: String(i) })),
      (x) => x.s,
      (x) => x.n,
    );
    expect(r.map((x) => x.rank)).toEqual([1, 1, 1, 4, 5, 5]);
    expect(
      rankBy(
        [],
        () => 0,
        () => '',
      ),
    ).toEqual([]);
  });

  it('does not change its input', () => {
    const input = [{ s: 1 }, { s: 2 }];
    rankBy(
      input,
      (x) => x.s,
      () => '',
    );
    expect(input).toEqual([{ s: 1 }, { s: 2 }]);
  });
});

describe('rankUnits', () => {
  it('ranks by problems led, cooperation not counted, ties by Chinese name', () => {
    const r = rankUnits([
      unit('市卫健局', 15),
      unit('市人社局', 9, { co: 20 }),
      unit('市教育局', 9),
      unit('市残联', 5),
      unit('市民政局', 7),
      unit('市科经局', 7),
    ]);
    expect(r.map((x) => `${x.rank} ${x.item.name}`)).toEqual([
      '1 市卫健局',
      // 教 (jiào) before 人 (rén) in pinyin order.
      '2 市教育局',
      '2 市人社局',
      '4 市科经局',
      '4 市民政局',
      '6 市残联',
    ]);
  });
});

describe('closeRate', () => {
  it('is closed ÷ countable, unknown when there is nothing to close', () => {
    expect(closeRate(1, 4)).toBe(0.25);
    expect(closeRate(0, 0)).toBeNull();
    expect(percent(closeRate(1, 3))).toBe('33.3%');
    expect(percent(null)).toBe('—');
    expect(percent(1)).toBe('100.0%');
  });
});

describe('tally', () => {
  const units = [
    { id: 1, name: '市卫健局' },
    { id: 2, name: '市教育局' },
    { id: 3, name: '市残联' },
  ];
  const p = (
    state: ProblemState,
    leadUnitId: number,
    deadline = '2026-12-31',
    category: string | null = null,
  ) => ({
    state,
    leadUnitId,
    deadline,
    category,
  });

  it('counts per state, category and unit; withdrawn excluded from figures; overdue = open and past the deadline', () => {
    const t = tally(
      [
        p('assigned', 1, '2026-11-25', '作风建设'),
        p('closed', 1, '2026-11-01', '政务服务环境'),
        p('closure_requested', 1, '2026-11-20'),
        p('withdrawn', 2, '2026-11-01'),
        p('in_progress', 2, '2026-11-26', '政务服务环境'),
      ],
      [2, 1],
      units,
      '2026-11-26',
    );
    expect(t.totals).toEqual({ count: 4, open: 3, overdue: 2, closed: 1, withdrawn: 1 });
    expect(t.byState).toEqual([
      { label: '已交办', count: 1 },
      { label: '整改中', count: 1 },
      { label: '待销号', count: 1 },
      { label: '已销号', count: 1 },
      { label: '已撤销', count: 1 },
    ]);
    expect(t.byCategory.map((c) => [c.name, c.count])).toEqual([
      ['政务服务环境', 2],
      ['作风建设', 1],
      ['未分类', 1],
    ]);
    expect(t.units).toEqual([
      { unitId: 1, name: '市卫健局', led: 3, co: 1, closed: 1, open: 2, overdue: 2 },
      { unitId: 2, name: '市教育局', led: 1, co: 1, closed: 0, open: 1, overdue: 0 },
    ]);
    expect(percent(closeRate(t.totals.closed, t.totals.count))).toBe('25.0%');
  });
});
