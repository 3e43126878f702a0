import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type ReminderLine, reminderCard } from '../../cards/reminder.js';
import {
  groupMembers,
  problemRequests,
  problems,
  roles,
  supervisionGroups,
  unitContacts,
} from '../../db/schema/index.js';
import type { Config } from '../config.js';
import { type Conn, type Db, rowsOf } from '../db.js';
import type { WorkdayCalendar } from '../domain/calendar.js';
import { todayIn } from '../domain/dates.js';
import { type DeciderPool, eligibleDeciders } from '../domain/deciders.js';
import { OPEN_STATES } from '../domain/problem.js';
import { type ReminderItem, remindersFor } from '../domain/reminders.js';
import type { Logger } from '../log.js';
import { enqueue, enqueueUrgent, type OutboxMessage, type UrgentRequest } from '../outbox/enqueue.js';
import { loadCalendar } from './calendar/load.js';
import { openCampaignIds } from './campaigns/read.js';
import { urgeEscalated } from './documents/escalation-urge.js';
import { problemHeadColumns } from './problem-columns.js';

export interface ReminderRun {
  today: string;
  skipped?: string;
  problems: number;
  items: number;
  messages: number;
  /** 加急 queued on today's reminders. */
  urgents?: number;
}

const CHUNK = 200;

type OpenRow = Awaited<ReturnType<typeof openRows>>[number];

/** Open problems of open campaigns: an archived campaign is read-only, so nobody is chased for it. */
function openRows(tx: Conn) {
  return tx
    .select({
      ...problemHeadColumns,
      timeliness: problems.timeliness,
      leadUnitId: problems.leadUnitId,
      groupId: problems.groupId,
      assignedAt: problems.assignedAt,
      acknowledgedAt: problems.acknowledgedAt,
      lastProgressAt: problems.lastProgressAt,
    })
    .from(problems)
    .where(and(inArray(problems.state, OPEN_STATES), inArray(problems.campaignId, openCampaignIds(tx))));
}

/** Who can be reminded of what: pending requests, contacts, roles, group members and group chats. */
interface Audience {
  pendingBy: Map<number, { kind: string; day: string; requestedBy: string }[]>;
  contacts: Map<number, string[]>;
  supervisorSet: Set<string>;
  admins: string[];
  staff: string[];
  members: Map<number, string[]>;
  chats: Map<number, string | null>;
}

async function loadAudience(tx: Conn, config: Config): Promise<Audience> {
  const tz = config.timezone;
  const pending = await tx
    .select({
      problemId: problemRequests.problemId,
      kind: problemRequests.kind,
      at: problemRequests.requestedAt,
      requestedBy: problemRequests.requestedBy,
    })
    .from(problemRequests)
    .where(eq(problemRequests.status, 'pending'));
  const pendingBy = new Map<number, { kind: string; day: string; requestedBy: string }[]>();
  for (const r of pending)
    pendingBy.set(r.problemId, [
      ...(pendingBy.get(r.problemId) ?? []),
      { kind: r.kind, day: todayIn(r.at, tz), requestedBy: r.requestedBy },
    ]);
  const contacts = new Map<number, string[]>();
  for (const c of await tx.select().from(unitContacts))
    contacts.set(c.unitId, [...(contacts.get(c.unitId) ?? []), c.openId]);
  const roleRows = await tx.select().from(roles);
  const supervisorSet = new Set(roleRows.filter((r) => r.role === 'supervisor').map((r) => r.openId));
  const admins = [
    ...new Set([...roleRows.filter((r) => r.role === 'admin').map((r) => r.openId), ...config.adminOpenIds]),
  ];
  const staff = [...new Set([...roleRows.filter((r) => r.role === 'staff').map((r) => r.openId), ...admins])];
  const members = new Map<number, string[]>();
  for (const m of await tx.select().from(groupMembers))
    if (supervisorSet.has(m.openId)) members.set(m.groupId, [...(members.get(m.groupId) ?? []), m.openId]);
  const chats = new Map(
    (
      await tx.select({ id: supervisionGroups.id, chatId: supervisionGroups.chatId }).from(supervisionGroups)
    ).map((g) => [g.id, g.chatId]),
  );
  return { pendingBy, contacts, supervisorSet, admins, staff, members, chats };
}

type Pending = { key: string; to: string; toChat: boolean; problem: OpenRow; item: ReminderItem };

/** Every reminder due today, one entry per recipient. */
function wantedReminders(
  rows: OpenRow[],
  a: Audience,
  o: { today: string; tz: string; calendar: WorkdayCalendar; config: Config },
): Pending[] {
  const { today, tz } = o;
  const wanted: Pending[] = [];
  for (const p of rows) {
    const items = remindersFor(
      {
        state: p.state,
        deadline: p.deadline,
        timeliness: p.timeliness,
        assignedDay: todayIn(p.assignedAt, tz),
        lastActivityDay: todayIn(p.lastProgressAt ?? p.acknowledgedAt ?? p.assignedAt, tz),
        pending: a.pendingBy.get(p.id) ?? [],
      },
      today,
      o.calendar,
      o.config.reminders,
    );
    for (const item of items) {
      let to: string[] = [];
      let toChat = false;
      if (item.audience === 'lead_contacts') to = a.contacts.get(p.leadUnitId) ?? [];
      else if (item.audience === 'admins') to = a.admins;
      else if (item.audience === 'staff') to = a.staff;
      else if (item.audience === 'deciders' && item.request) {
        // The same rule as the decision buttons: never the requester or the lead unit's contacts.
        const pool: DeciderPool = {
          groupSupervisors: p.groupId === null ? null : (a.members.get(p.groupId) ?? []),
          staff: a.staff,
          admins: a.admins,
          leadContacts: a.contacts.get(p.leadUnitId) ?? [],
        };
        to = eligibleDeciders(item.request.kind, pool, item.request.requestedBy);
      } else if (item.kind === 'overdue_escalated' && p.groupId !== null && a.chats.get(p.groupId)) {
        to = [a.chats.get(p.groupId)!];
        toChat = true;
      } else to = p.groupId === null ? [...a.supervisorSet] : (a.members.get(p.groupId) ?? []);
      // README.md: a problem is reminded at most once per kind per day.
      const key = `r:${p.id}:${item.kind}:${today}`;
      for (const id of to) wanted.push({ key, to: id, toChat, problem: p, item });
    }
  }
  return wanted;
}

/** One person's card: its lines, and the most workdays overdue among their own (lead unit) problems. */
interface PersonReminder {
  toChat: boolean;
  lines: Map<number, ReminderLine>;
  reported: boolean;
  overdue: number;
}

/** The reminders that won their delivery key, gathered into one card's lines per recipient. */
function linesByPerson(wanted: Pending[], won: Set<string>): Map<string, PersonReminder> {
  const byPerson = new Map<string, PersonReminder>();
  for (const w of wanted) {
    if (!won.has(w.key)) continue;
    const entry = byPerson.get(w.to) ?? { toChat: w.toChat, lines: new Map(), reported: false, overdue: 0 };
    const line: ReminderLine = entry.lines.get(w.problem.id) ?? {
      problemId: w.problem.id,
      code: w.problem.code,
      title: w.problem.title,
      deadline: w.problem.deadline,
      reasons: [],
      canAcknowledge: false,
      canProgress: false,
    };
    if (!line.reasons.some((r) => r.kind === w.item.kind))
      line.reasons.push({ kind: w.item.kind, workdays: w.item.workdays });
    if (w.item.audience === 'lead_contacts') {
      if (w.item.kind === 'overdue') entry.overdue = Math.max(entry.overdue, w.item.workdays);
      line.canAcknowledge ||= w.problem.state === 'assigned';
      line.canProgress ||= w.problem.state === 'acknowledged' || w.problem.state === 'in_progress';
    }
    if (w.item.kind === 'overdue_reported') entry.reported = true;
    entry.lines.set(w.problem.id, line);
    byPerson.set(w.to, entry);
  }
  return byPerson;
}

/**
 * 加急 (README.md): a lead contact whose card holds a problem overdue by ESCALATE_SUPERVISOR_WORKDAYS
 * gets an in-app urgent on it, and with URGENT_SMS an SMS from ESCALATE_ADMIN_WORKDAYS; at most
 * once per person and day (a delivery_keys row). Chats and other audiences are never urged.
 */
async function urgedToday(
  tx: Conn,
  o: { at: Date; today: string; config: Config },
  byPerson: Map<string, PersonReminder>,
): Promise<Map<string, ('app' | 'sms')[]>> {
  const { escalateSupervisor, escalateAdmin } = o.config.reminders;
  const due = [...byPerson].filter(([, e]) => !e.toChat && e.overdue >= escalateSupervisor);
  const keys = due.map(([to]) => `u:${to}:${o.today}`);
  const won = keys.length
    ? new Set(
        rowsOf<{ key: string }>(
          await tx.execute(
            sql`insert into delivery_keys (key, at) select k, ${o.at.toISOString()}::timestamptz from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) k on conflict do nothing returning key`,
          ),
        ).map((r) => r.key),
      )
    : new Set<string>();
  const out = new Map<string, ('app' | 'sms')[]>();
  for (const [to, e] of due) {
    if (!won.has(`u:${to}:${o.today}`)) continue;
    out.set(to, o.config.urgentSms && e.overdue >= escalateAdmin ? ['app', 'sms'] : ['app']);
  }
  return out;
}

/**
 * The daily sweep: decides every reminder, keeps only those not yet sent today (a delivery_keys
 * row per problem, kind and day),
 * and enqueues one message per person, all in one transaction under an advisory lock, so a
 * second run or a second instance sends nothing twice.
 */
export async function runReminders(
  deps: { db: Db; config: Config; log: Logger },
  at: Date,
): Promise<ReminderRun> {
  const { db, config } = deps;
  const tz = config.timezone;
  const today = todayIn(at, tz);
  const calendar = await loadCalendar(db);
  if (!calendar.isWorkday(today)) {
    deps.log.info({ action: 'job:reminders', today, outcome: 'skipped' }, `${today} 不是工作日，不发送提醒`);
    return { today, skipped: `${today} 不是工作日，不发送提醒`, problems: 0, items: 0, messages: 0 };
  }
  if (!calendar.isConfirmed(today))
    deps.log.warn(
      { action: 'job:reminders', today },
      'workday calendar for this year is unconfirmed (statutory fallback)',
    );
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
    const rows = await openRows(tx);
    const audience = await loadAudience(tx, config);
    const wanted = wantedReminders(rows, audience, { today, tz, calendar, config });
    // Keep only what was not sent today: the keys this transaction manages to insert. One
    // statement with the keys as a single JSON parameter (no bind-parameter limit, no chunks).
    const keys = [...new Set(wanted.map((w) => w.key))];
    const inserted = keys.length
      ? rowsOf<{ key: string }>(
          await tx.execute(
            sql`insert into delivery_keys (key, at) select k, ${at.toISOString()}::timestamptz from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) k on conflict do nothing returning key`,
          ),
        )
      : [];
    const won = new Set(inserted.map((r) => r.key));
    // The supervisor step also queues the unit's 催办通知书, once a week (documents/escalation-urge.ts).
    const escalated = wanted.filter((w) => w.item.kind === 'overdue_escalated' && won.has(w.key));
    await urgeEscalated(tx, { at, today }, [...new Set(escalated.map((w) => w.problem.id))]);
    const messages: OutboxMessage[] = [];
    const byPerson = linesByPerson(wanted, won);
    const urge = await urgedToday(tx, { at, today, config }, byPerson);
    const urgents: UrgentRequest[] = [];
    for (const [to, e] of byPerson) {
      const lines = [...e.lines.values()].sort(
        (a, b) => a.deadline.localeCompare(b.deadline) || a.code.localeCompare(b.code),
      );
      const unconfirmed = lines.some((l) => !calendar.isConfirmed(l.deadline));
      const id = randomUUID();
      for (const mode of urge.get(to) ?? [])
        urgents.push({ after: id, mode, openId: to, purpose: 'reminder_urgent' });
      messages.push({
        id,
        msgType: 'interactive',
        content: reminderCard(today, lines, { reported: e.reported, unconfirmed }),
        purpose: e.reported ? 'reminder_report' : 'reminder',
        to: { type: e.toChat ? 'chat_id' : 'open_id', id: to },
      });
    }
    for (let i = 0; i < messages.length; i += CHUNK) await enqueue(tx, messages.slice(i, i + CHUNK));
    await enqueueUrgent(tx, urgents);
    return {
      today,
      problems: rows.length,
      items: won.size,
      messages: messages.length,
      urgents: urgents.length,
    };
  });
}
