import type { WorkdayCalendar } from './calendar.js';
import type { RequestKind } from './deciders.js';

/** What a reminder is about; one key per (problem, kind, day, person) makes it once a day. */
export type ReminderKind =
  | 'unacknowledged'
  | 'due_soon'
  | 'overdue'
  | 'overdue_escalated'
  | 'overdue_reported'
  | 'stale_progress'
  | 'closure_waiting'
  | 'extension_waiting'
  | 'dispute_waiting';

/** `deciders`: whoever may decide the waiting request (eligibleDeciders in deciders.ts). */
export type Audience = 'lead_contacts' | 'supervisors' | 'admins' | 'staff' | 'deciders';

export interface ReminderThresholds {
  dueSoon: number;
  escalateSupervisor: number;
  escalateAdmin: number;
  staleProgress: number;
  requestWait: number;
}

export interface ProblemSnapshot {
  state: string;
  deadline: string;
  timeliness: string;
  /** Days in APP_TIMEZONE. */
  assignedDay: string;
  lastActivityDay: string;
  pending: { kind: string; day: string; requestedBy?: string }[];
}

export interface ReminderItem {
  kind: ReminderKind;
  audience: Audience;
  /** Workdays late, waiting or silent, as the kind counts them. */
  workdays: number;
  /** For a waiting request: its kind and who made it (never among those chased). */
  request?: { kind: RequestKind; requestedBy: string | null };
}

const WAITING: Record<string, ReminderKind | undefined> = {
  closure: 'closure_waiting',
  extension: 'extension_waiting',
  dispute: 'dispute_waiting',
};

/**
 * The escalation ladder (reminders issue): not acknowledged after a workday; due within N workdays
 * (黄灯); overdue every workday (红灯), to supervisors from N workdays, to admins (通报) from M;
 * long-term problems silent for N workdays; waiting requests chase the deciders, never the unit.
 */
export function remindersFor(
  p: ProblemSnapshot,
  today: string,
  cal: WorkdayCalendar,
  t: ReminderThresholds,
): ReminderItem[] {
  const out: ReminderItem[] = [];
  const waitingRequest = p.state === 'closure_requested' || p.pending.length > 0;
  for (const r of p.pending) {
    const waited = cal.workdaysAfter(r.day, today);
    if (waited < t.requestWait) continue;
    const request = { kind: r.kind as RequestKind, requestedBy: r.requestedBy ?? null };
    const kind = WAITING[r.kind];
    if (kind) out.push({ kind, audience: 'deciders', workdays: waited, request });
  }
  // While the unit's own request waits, the unit is not chased: the deciders are.
  if (waitingRequest) return out;
  if (p.state === 'assigned') {
    const since = cal.workdaysAfter(p.assignedDay, today);
    if (since >= 1) out.push({ kind: 'unacknowledged', audience: 'lead_contacts', workdays: since });
  }
  if (today > p.deadline) {
    const late = cal.workdaysAfter(p.deadline, today);
    if (late >= 1) {
      out.push({ kind: 'overdue', audience: 'lead_contacts', workdays: late });
      if (late >= t.escalateSupervisor)
        out.push({ kind: 'overdue_escalated', audience: 'supervisors', workdays: late });
      if (late >= t.escalateAdmin) out.push({ kind: 'overdue_reported', audience: 'admins', workdays: late });
    }
  } else {
    const left = cal.workdaysAfter(today, p.deadline);
    if (left <= t.dueSoon) out.push({ kind: 'due_soon', audience: 'lead_contacts', workdays: left });
  }
  if (p.timeliness === '长期整改' && (p.state === 'acknowledged' || p.state === 'in_progress')) {
    const silent = cal.workdaysAfter(p.lastActivityDay, today);
    if (silent >= t.staleProgress)
      out.push({ kind: 'stale_progress', audience: 'lead_contacts', workdays: silent });
  }
  return out;
}

export const REMINDER_LABEL: Record<ReminderKind, (n: number) => string> = {
  unacknowledged: (n) => `未签收（已交办 ${n} 个工作日）`,
  due_soon: (n) => (n === 0 ? '黄灯：今天到期' : `黄灯：${n} 个工作日后到期`),
  overdue: (n) => `红灯：逾期 ${n} 个工作日`,
  overdue_escalated: (n) => `逾期 ${n} 个工作日，请督导`,
  overdue_reported: (n) => `通报：逾期 ${n} 个工作日`,
  stale_progress: (n) => `长期整改已 ${n} 个工作日未反馈进展`,
  closure_waiting: (n) => `销号申请待审核 ${n} 个工作日`,
  extension_waiting: (n) => `延期申请待审核 ${n} 个工作日`,
  dispute_waiting: (n) => `改派申请待处理 ${n} 个工作日`,
};
