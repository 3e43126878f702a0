import type { WorkdayCalendar } from './calendar.js';
import { stackedBarSpec } from './chart-spec.js';
import { todayIn } from './dates.js';
import { isOpen, type ProblemState, STATE_LABEL, STATES } from './problem.js';
import { closeRate } from './ranking.js';

export interface DigestRow {
  code: string;
  title: string;
  state: ProblemState;
  deadline: string;
  unit: string;
  createdAt: Date;
  assignedAt: Date;
  acknowledgedAt: Date | null;
  closedAt: Date | null;
}

export interface UnitFigures {
  unit: string;
  total: number;
  open: number;
  closed: number;
  overdue: number;
  /** 办结率: closed ÷ assigned (withdrawn problems are not counted as assigned). */
  closedRate: number | null;
  /** Average workdays from assignment to 签收, over acknowledged problems. */
  avgAckWorkdays: number | null;
  byState: Record<ProblemState, number>;
}

export interface DigestFigures {
  byState: Record<ProblemState, number>;
  total: number;
  notClosed: number;
  newThisWeek: number;
  closedThisWeek: number;
  overdue: number;
  closedRate: number | null;
  units: UnitFigures[];
  mostOverdue: { code: string; title: string; unit: string; deadline: string; workdays: number }[];
}

const zero = () => Object.fromEntries(STATES.map((s) => [s, 0])) as Record<ProblemState, number>;

/** The weekly digest's figures from the problems in scope, computed in APP_TIMEZONE on the workday calendar. */
export function digestFigures(rows: DigestRow[], at: Date, tz: string, cal: WorkdayCalendar): DigestFigures {
  const today = todayIn(at, tz);
  const weekAgo = at.getTime() - 7 * 86_400_000;
  const byState = zero();
  const units = new Map<string, UnitFigures & { ackSum: number; ackN: number }>();
  const overdueList: DigestFigures['mostOverdue'] = [];
  let newThisWeek = 0;
  let closedThisWeek = 0;
  for (const r of rows) {
    const s = r.state;
    byState[s] = (byState[s] ?? 0) + 1;
    if (r.createdAt.getTime() >= weekAgo) newThisWeek++;
    if (r.closedAt && r.closedAt.getTime() >= weekAgo && s === 'closed') closedThisWeek++;
    const u = units.get(r.unit) ?? {
      unit: r.unit,
      total: 0,
      open: 0,
      closed: 0,
      overdue: 0,
      closedRate: null,
      avgAckWorkdays: null,
      byState: zero(),
      ackSum: 0,
      ackN: 0,
    };
    u.total++;
    u.byState[s]++;
    if (s === 'closed') u.closed++;
    if (isOpen(s)) {
      u.open++;
      // Overdue from 00:00 of the day after the deadline (README.md), even before a workday passes.
      if (today > r.deadline) {
        u.overdue++;
        overdueList.push({
          code: r.code,
          title: r.title,
          unit: r.unit,
          deadline: r.deadline,
          workdays: cal.workdaysAfter(r.deadline, today),
        });
      }
    }
    if (r.acknowledgedAt) {
      u.ackSum += cal.workdaysAfter(todayIn(r.assignedAt, tz), todayIn(r.acknowledgedAt, tz));
      u.ackN++;
    }
    units.set(r.unit, u);
  }
  const unitList = [...units.values()].map(({ ackSum, ackN, ...u }) => {
    const assigned = u.total - u.byState.withdrawn;
    return {
      ...u,
      closedRate: closeRate(u.closed, assigned),
      avgAckWorkdays: ackN > 0 ? ackSum / ackN : null,
    };
  });
  unitList.sort((a, b) => b.open - a.open || b.total - a.total || a.unit.localeCompare(b.unit, 'zh'));
  overdueList.sort((a, b) => b.workdays - a.workdays || a.code.localeCompare(b.code));
  const assigned = rows.length - byState.withdrawn;
  return {
    byState,
    total: rows.length,
    notClosed: rows.filter((r) => isOpen(r.state)).length,
    newThisWeek,
    closedThisWeek,
    overdue: overdueList.length,
    closedRate: closeRate(byState.closed, assigned),
    units: unitList,
    mostOverdue: overdueList.slice(0, 5),
  };
}

/** A VChart spec Lark renders itself (card `chart` element): problems per unit, stacked by state. */
export function unitChartSpec(units: UnitFigures[], max = 12): Record<string, unknown> {
  const shown = units.slice(0, max);
  const states: ProblemState[] = ['assigned', 'acknowledged', 'in_progress', 'closure_requested', 'closed'];
  const values = shown.flatMap((u) =>
    states.map((s) => ({ unit: u.unit, state: STATE_LABEL[s], count: u.byState[s] })),
  );
  return stackedBarSpec({ id: 'problems', values, x: 'unit', y: 'count', series: 'state' });
}
