import { competitionRank } from './ranking.js';

/**
 * 考核 scores, pure: five rates in [0, 1] over a unit's problems as lead unit (withdrawn ones
 * excluded), weighted to 0–100 with one decimal. A rate with no denominator is left out and its
 * weight spread over the others pro rata. Definitions: docs/decisions/0013-documents.md.
 */

export const COMPONENTS = ['ack', 'close', 'overdue', 'returned', 'satisfaction'] as const;
export type Component = (typeof COMPONENTS)[number];
export const COMPONENT_LABEL: Record<Component, string> = {
  ack: '签收',
  close: '办结',
  overdue: '逾期',
  returned: '退回',
  satisfaction: '满意',
};
export type Weights = Record<Component, number>;
export const DEFAULT_WEIGHTS: Weights = { ack: 20, close: 40, overdue: 20, returned: 10, satisfaction: 10 };

/** One problem's facts as of today, with its deadline in force (latest extension or edit; a reopen's new one). */
export interface ScoredProblem {
  code: string;
  withdrawn: boolean;
  assignedOn: string;
  acknowledgedOn: string | null;
  deadline: string;
  /** The day it was (last) closed; null while open, including after a reopen. */
  closedOn: string | null;
  /** Overdue at some point under an earlier deadline (before an extension or a reopen). */
  overdueEarlier?: boolean;
  /** Close-out requests decided (approved or returned), and of them returned. */
  closeoutDecided: number;
  closeoutReturned: number;
}

export interface UnitFacts {
  unitId: number;
  unit: string;
  problems: ScoredProblem[];
  /** 回访: (满意 + 基本满意) and rated. Absent until 回访 exists or when nobody rated. */
  satisfaction?: { satisfied: number; rated: number } | null;
  /** The unit's 满意度测评 result as a rate in [0, 1]: used where 回访 is absent. */
  voteRate?: number | null;
}

export interface Rate {
  value: number;
  num: number;
  den: number;
}

export interface UnitScore {
  unitId: number;
  unit: string;
  problems: number;
  components: Record<Component, Rate | null>;
  /** The weights applied after spreading the missing components' weight, summing to 100. */
  applied: Partial<Weights>;
  /** Components left out for want of a denominator. */
  leftOut: Component[];
  /** 0–100, one decimal; null when the unit has no problems (shown as "—"). */
  score: number | null;
  rank: number | null;
}

export interface ScoringOptions {
  today: string;
  ackWithinWorkdays: number;
  /** Workdays in (from, to], from the calendar module. */
  workdaysAfter(from: string, to: string): number;
}

const rate = (num: number, den: number): Rate | null => (den > 0 ? { value: num / den, num, den } : null);
const inverse = (bad: number, den: number): Rate | null =>
  den > 0 ? { value: 1 - bad / den, num: den - bad, den } : null;

/** How one problem counts in each component: null where it is not (yet) counted. */
export interface Judged {
  /** Acknowledged within the window (true), late or still unacknowledged past it (false). */
  ack: boolean | null;
  /** Workdays from assignment to 签收, when acknowledged. */
  ackWorkdays: number | null;
  /** Closed on or before the deadline in force (true), closed late or open past it (false). */
  close: boolean | null;
  /** Overdue now, closed late, or overdue under an earlier deadline. */
  overdue: boolean;
}

export function judge(p: ScoredProblem, o: ScoringOptions): Judged {
  const ackWorkdays = p.acknowledgedOn ? o.workdaysAfter(p.assignedOn, p.acknowledgedOn) : null;
  const ack =
    ackWorkdays !== null
      ? ackWorkdays <= o.ackWithinWorkdays
      : o.workdaysAfter(p.assignedOn, o.today) > o.ackWithinWorkdays
        ? false
        : null;
  const close = p.closedOn ? p.closedOn <= p.deadline : o.today > p.deadline ? false : null;
  const lateNow = p.closedOn ? p.closedOn > p.deadline : o.today > p.deadline;
  return { ack, ackWorkdays, close, overdue: lateNow || p.overdueEarlier === true };
}

/** The 满意 rate: 回访 where anyone rated, else the unit's vote result (only for a unit with problems). */
export function satisfactionOf(f: UnitFacts, problems: number): Rate | null {
  const s = f.satisfaction;
  if (s && s.rated > 0) return rate(s.satisfied, s.rated);
  if (f.voteRate !== null && f.voteRate !== undefined && problems)
    return { value: f.voteRate, num: f.voteRate, den: 1 };
  return null;
}

export function components(f: UnitFacts, o: ScoringOptions): Record<Component, Rate | null> {
  const ps = f.problems.filter((p) => !p.withdrawn);
  const count = { ackDen: 0, ackOk: 0, closeDen: 0, closeOk: 0, overdue: 0, decided: 0, returned: 0 };
  for (const p of ps) {
    const j = judge(p, o);
    if (j.ack !== null) {
      count.ackDen++;
      if (j.ack) count.ackOk++;
    }
    if (j.close !== null) {
      count.closeDen++;
      if (j.close) count.closeOk++;
    }
    if (j.overdue) count.overdue++;
    count.decided += p.closeoutDecided;
    count.returned += p.closeoutReturned;
  }
  return {
    ack: rate(count.ackOk, count.ackDen),
    close: rate(count.closeOk, count.closeDen),
    overdue: inverse(count.overdue, ps.length),
    returned: inverse(count.returned, count.decided),
    satisfaction: satisfactionOf(f, ps.length),
  };
}

const round1 = (x: number) => Math.round(x * 10 + 1e-9) / 10;

export function scoreUnit(f: UnitFacts, w: Weights, o: ScoringOptions): UnitScore {
  const c = components(f, o);
  const problems = f.problems.filter((p) => !p.withdrawn).length;
  const present = COMPONENTS.filter((k) => c[k] !== null);
  const leftOut = COMPONENTS.filter((k) => c[k] === null);
  const total = present.reduce((s, k) => s + w[k], 0);
  const applied: Partial<Weights> = {};
  let score: number | null = null;
  if (problems > 0 && total > 0) {
    let sum = 0;
    for (const k of present) {
      applied[k] = (w[k] * 100) / total;
      sum += (applied[k] ?? 0) * (c[k]?.value ?? 0);
    }
    score = round1(sum);
  }
  return { unitId: f.unitId, unit: f.unit, problems, components: c, applied, leftOut, score, rank: null };
}

/** Ranked by score (ties share a rank: 1, 1, 3), then unranked units with no score, by name. */
export function rankUnits(units: UnitFacts[], w: Weights, o: ScoringOptions): UnitScore[] {
  const scored = units.map((u) => scoreUnit(u, w, o));
  const byName = (a: UnitScore, b: UnitScore) => a.unit.localeCompare(b.unit, 'zh-CN');
  const ranked = competitionRank(
    scored.filter((s) => s.score !== null),
    (a, b) => (b.score ?? 0) - (a.score ?? 0),
    byName,
  ).map(({ rank, item }) => ({ ...item, rank }));
  return [...ranked, ...scored.filter((s) => s.score === null).sort(byName)];
}

/** "—" for an unranked unit, never NaN. */
export const scoreText = (s: UnitScore) => (s.score === null ? '—' : s.score.toFixed(1));

/** The rule a set of weights breaks, in Chinese, or null when it is valid. */
export function weightsProblem(w: Weights): string | null {
  const neg = COMPONENTS.filter((k) => !Number.isFinite(w[k]) || w[k] < 0);
  if (neg.length) return `权重不能为负数：${neg.map((k) => `${COMPONENT_LABEL[k]} ${w[k]}`).join('、')}。`;
  const sum = COMPONENTS.reduce((s, k) => s + w[k], 0);
  if (Math.abs(sum - 100) > 1e-9) return `各项权重之和须为 100，现为 ${round1(sum)}。`;
  return null;
}

const BY_LABEL = new Map<string, Component>(COMPONENTS.map((k) => [COMPONENT_LABEL[k], k]));

/** `签收:20 办结:40 逾期:20 退回:10 满意:10` → weights, or the rule it breaks. */
export function parseWeights(text: string): { weights: Weights } | { error: string } {
  const w: Partial<Weights> = {};
  for (const tok of text.split(/[\s,，;；]+/).filter(Boolean)) {
    const m = /^(\S+?)[:：](-?\d+(?:\.\d+)?)$/.exec(tok);
    const k = m?.[1] ? BY_LABEL.get(m[1]) : undefined;
    if (!m || !k) return { error: `无法识别「${tok}」。格式：签收:20 办结:40 逾期:20 退回:10 满意:10` };
    if (w[k] !== undefined) return { error: `「${COMPONENT_LABEL[k]}」重复。` };
    w[k] = Number(m[2]);
  }
  const missing = COMPONENTS.filter((k) => w[k] === undefined);
  if (missing.length)
    return { error: `缺少权重：${missing.map((k) => COMPONENT_LABEL[k]).join('、')}（可写 0）。` };
  const weights = w as Weights;
  const problem = weightsProblem(weights);
  return problem ? { error: problem } : { weights };
}

/** One campaign's 考核 as /考核 shows it. */
export interface ScoresView {
  campaign: string;
  today: string;
  weights: Weights;
  /** Weights set by /考核 权重 (false: the defaults). */
  custom: boolean;
  ackWithinWorkdays: number;
  scores: UnitScore[];
}

/** `签收 20　办结 40 …`: the weights as every score shows them. */
export const weightsText = (w: Partial<Weights>, sep = '　') =>
  COMPONENTS.filter((k) => w[k] !== undefined)
    .map((k) => `${COMPONENT_LABEL[k]} ${Math.round((w[k] ?? 0) * 10) / 10}`)
    .join(sep);
