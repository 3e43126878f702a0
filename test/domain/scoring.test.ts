import { describe, expect, it } from 'vitest';
import { WorkdayCalendar } from '../../src/domain/calendar.js';
import {
  DEFAULT_WEIGHTS,
  parseWeights,
  rankUnits,
  type ScoredProblem,
  scoreText,
  type UnitFacts,
  type Weights,
  weightsProblem,
} from '../../src/domain/scoring.js';

// November 2026 has no holidays: 11-02 is a Monday, so 11-03 is 1 workday after, 11-04 2, 11-05 3.
const cal = new WorkdayCalendar();
const opts = {
  today: '2026-12-02',
  ackWithinWorkdays: 1,
  workdaysAfter: (a: string, b: string) => cal.workdaysAfter(a, b),
};

const p = (code: string, o: Partial<ScoredProblem>): ScoredProblem => ({
  code,
  withdrawn: false,
  assignedOn: '2026-11-02',
  acknowledgedOn: null,
  deadline: '2026-12-31',
  closedOn: null,
  closeoutDecided: 0,
  closeoutReturned: 0,
  ...o,
});

const UNITS: UnitFacts[] = [
  {
    unitId: 1,
    unit: '市人社局',
    problems: [
      p('A1', {
        acknowledgedOn: '2026-11-03',
        deadline: '2026-11-20',
        closedOn: '2026-11-19',
        closeoutDecided: 1,
      }),
      p('A2', {
        acknowledgedOn: '2026-11-02',
        deadline: '2026-11-27',
        closedOn: '2026-11-27',
        closeoutDecided: 2,
        closeoutReturned: 1,
      }),
      p('A3', { acknowledgedOn: '2026-11-05' }), // acknowledged 3 workdays on: late; not due yet
    ],
    satisfaction: { satisfied: 3, rated: 4 },
  },
  {
    unitId: 2,
    unit: '市民政局',
    problems: [
      // Extended from 11-16 to 11-30 before it fell due: the deadline in force is 11-30, met.
      p('B1', {
        acknowledgedOn: '2026-11-03',
        deadline: '2026-11-30',
        closedOn: '2026-11-25',
        closeoutDecided: 1,
      }),
      p('B2', { acknowledgedOn: '2026-11-04', deadline: '2026-11-20' }), // open past its deadline
    ],
    voteRate: 0.9, // no 回访: the vote result stands in
  },
  {
    unitId: 3,
    unit: '市教育局',
    problems: [
      // Closed 11-18 on time, reopened by 回头看 with a new deadline 11-27 it has missed.
      p('C1', { acknowledgedOn: '2026-11-02', deadline: '2026-11-27', closedOn: null, closeoutDecided: 1 }),
      p('C2', { acknowledgedOn: '2026-11-03', deadline: '2026-12-15' }),
    ],
  },
  {
    unitId: 4,
    unit: '市住房和城乡建设局',
    problems: [p('D1', { acknowledgedOn: '2026-11-03' }), p('D2', { acknowledgedOn: '2026-11-05' })],
  },
  {
    unitId: 5,
    unit: '市交通运输局',
    problems: [
      p('E1', {
        acknowledgedOn: '2026-11-03',
        deadline: '2026-11-20',
        closedOn: '2026-11-19',
        closeoutDecided: 1,
      }),
      p('E2', {
        acknowledgedOn: '2026-11-03',
        deadline: '2026-11-20',
        closedOn: '2026-11-20',
        closeoutDecided: 2,
        closeoutReturned: 1,
      }),
      p('E3', {
        acknowledgedOn: '2026-11-02',
        deadline: '2026-11-27',
        closedOn: '2026-11-26',
        closeoutDecided: 2,
        closeoutReturned: 1,
      }),
      p('E4', {
        acknowledgedOn: '2026-11-03',
        deadline: '2026-11-20',
        closedOn: '2026-11-24',
        closeoutDecided: 1,
      }),
    ],
    satisfaction: { satisfied: 1, rated: 3 },
  },
  {
    unitId: 6,
    unit: '市文化和旅游局',
    problems: [p('F1', { withdrawn: true, acknowledgedOn: '2026-11-03' })],
  },
];

const byUnit = (w: Weights) => new Map(rankUnits(UNITS, w, opts).map((s) => [s.unit, s]));
const round1 = (x: number) => Math.round(x * 10 + 1e-9) / 10;

describe('考核 scores', () => {
  it('scores each unit by the formula, spreading missing components pro rata', () => {
    const s = byUnit(DEFAULT_WEIGHTS);
    // A: 签收 2/3, 办结 2/2 (A3 not due), 逾期 1−0/3, 退回 1−1/3, 满意 3/4
    //    20×2/3 + 40×1 + 20×1 + 10×2/3 + 10×0.75 = 13.33 + 40 + 20 + 6.67 + 7.5 = 87.5
    expect(s.get('市人社局')?.score).toBe(87.5);
    expect(s.get('市人社局')?.components.ack).toMatchObject({ num: 2, den: 3 });
    // B: 签收 1/2, 办结 1/2, 逾期 1−1/2, 退回 1−0/1, 满意 0.9 (vote)
    //    20×0.5 + 40×0.5 + 20×0.5 + 10×1 + 10×0.9 = 10 + 20 + 10 + 10 + 9 = 59
    expect(s.get('市民政局')?.score).toBe(59);
    // C: 签收 2/2, 办结 0/1 (reopened, past its new deadline; C2 not due), 逾期 1−1/2, 退回 1−0/1,
    //    满意 left out: (20×1 + 40×0 + 20×0.5 + 10×1) × 100/90 = 40 × 100/90 = 44.44 → 44.4
    expect(s.get('市教育局')?.score).toBe(44.4);
    expect(s.get('市教育局')?.leftOut).toEqual(['satisfaction']);
    // D: no close-out request and nothing due: only 签收 1/2 and 逾期 1−0/2 remain.
    //    (20×0.5 + 20×1) × 100/40 = 30 × 2.5 = 75
    expect(s.get('市住房和城乡建设局')?.score).toBe(75);
    expect(s.get('市住房和城乡建设局')?.leftOut).toEqual(['close', 'returned', 'satisfaction']);
    expect(s.get('市住房和城乡建设局')?.applied).toEqual({ ack: 50, overdue: 50 });
    // E: 签收 4/4, 办结 3/4 (E4 late), 逾期 1−1/4, 退回 1−2/6, 满意 1/3
    //    20 + 40×0.75 + 20×0.75 + 10×2/3 + 10×1/3 = 20 + 30 + 15 + 6.67 + 3.33 = 75
    expect(s.get('市交通运输局')?.score).toBe(75);
    // F: its only problem was withdrawn: no problems, unranked.
    expect(s.get('市文化和旅游局')).toMatchObject({ problems: 0, score: null, rank: null });
    expect(scoreText(s.get('市文化和旅游局')!)).toBe('—');
  });

  it('ranks by score; ties share a rank; units with no problems come last, unranked', () => {
    const r = rankUnits(UNITS, DEFAULT_WEIGHTS, opts).map((s) => [s.unit, s.rank, scoreText(s)]);
    expect(r).toEqual([
      ['市人社局', 1, '87.5'],
      ['市交通运输局', 2, '75.0'],
      ['市住房和城乡建设局', 2, '75.0'],
      ['市民政局', 4, '59.0'],
      ['市教育局', 5, '44.4'],
      ['市文化和旅游局', null, '—'],
    ]);
  });

  it('a weight change changes the ranking as the formula says', () => {
    const w: Weights = { ack: 50, close: 10, overdue: 10, returned: 10, satisfaction: 20 };
    const expected = {
      // A: 50×2/3 + 10 + 10 + 10×2/3 + 20×0.75 = 33.33 + 10 + 10 + 6.67 + 15 = 75
      市人社局: round1((50 * 2) / 3 + 10 + 10 + (10 * 2) / 3 + 20 * 0.75),
      // B: 50×0.5 + 10×0.5 + 10×0.5 + 10×1 + 20×0.9 = 25 + 5 + 5 + 10 + 18 = 63
      市民政局: 63,
      // C: (50×1 + 10×0 + 10×0.5 + 10×1) × 100/80 = 65 × 1.25 = 81.25 → 81.3
      市教育局: 81.3,
      // D: (50×0.5 + 10×1) × 100/60 = 35 × 100/60 = 58.33 → 58.3
      市住房和城乡建设局: 58.3,
      // E: 50 + 10×0.75 + 10×0.75 + 10×2/3 + 20×1/3 = 50 + 7.5 + 7.5 + 6.67 + 6.67 = 78.33 → 78.3
      市交通运输局: 78.3,
    };
    expect(expected.市人社局).toBe(75);
    const r = rankUnits(UNITS, w, opts);
    for (const [unit, score] of Object.entries(expected))
      expect(r.find((s) => s.unit === unit)?.score).toBe(score);
    expect(r.map((s) => s.unit).slice(0, 5)).toEqual([
      '市教育局',
      '市交通运输局',
      '市人社局',
      '市民政局',
      '市住房和城乡建设局',
    ]);
  });

  it('a unit with no problems never shows NaN, whatever the weights', () => {
    const s = byUnit({ ack: 0, close: 0, overdue: 0, returned: 50, satisfaction: 50 });
    expect(scoreText(s.get('市文化和旅游局')!)).toBe('—');
    expect(Number.isNaN(s.get('市住房和城乡建设局')?.score)).toBe(false);
  });
});

describe('weights', () => {
  it('accepts five weights summing to 100', () => {
    expect(parseWeights('签收:20 办结:40 逾期:20 退回:10 满意:10')).toEqual({ weights: DEFAULT_WEIGHTS });
    expect(parseWeights('签收：30，办结：30，逾期：20，退回：10，满意：10')).toHaveProperty('weights');
  });
  it('refuses a sum other than 100 or a negative weight, naming the rule', () => {
    expect(parseWeights('签收:20 办结:40 逾期:20 退回:10 满意:0')).toEqual({
      error: '各项权重之和须为 100，现为 90。',
    });
    expect(parseWeights('签收:30 办结:40 逾期:20 退回:-10 满意:20')).toEqual({
      error: '权重不能为负数：退回 -10。',
    });
    expect(parseWeights('签收:20 办结:40')).toEqual({ error: '缺少权重：逾期、退回、满意（可写 0）。' });
    expect(parseWeights('速度:20')).toHaveProperty('error');
    expect(weightsProblem({ ...DEFAULT_WEIGHTS, ack: Number.NaN })).toMatch('不能为负数');
  });
});
