import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { campaigns, problems, unitContacts, units } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { rowsOf, type Tx } from '../../db.js';
import type { WorkdayCalendar } from '../../domain/calendar.js';
import { addDays, weekday } from '../../domain/dates.js';
import { DomainError } from '../../domain/errors.js';
import { enqueue } from '../../outbox/enqueue.js';
import { noDirectory } from '../directory.js';
import type { Role } from '../people/read.js';
import { campaignProblems } from './problem-set.js';
import { issueUrge } from './urge.js';

/** The bot as the issuer of documents the reminder ladder sends (history and audit name it). */
const LADDER = { openId: 'duban_reminders', name: '督办助手（自动催办）', roles: new Set<Role>() };

/**
 * The reminder ladder's supervisor step also sends a 催办通知书: for each (campaign, unit) with a
 * problem escalated today, one document listing all of that unit's overdue problems in the
 * campaign, to the unit's contacts, at most once per unit and campaign per week (a delivery key
 * per Monday). Runs in the reminder sweep's transaction; the files go out through the outbox.
 */
export async function urgeEscalated(
  tx: Tx,
  o: { config: Config; calendar: WorkdayCalendar; at: Date; today: string },
  escalatedProblemIds: number[],
): Promise<number> {
  if (!escalatedProblemIds.length) return 0;
  const pairs = await tx
    .selectDistinct({ campaignId: problems.campaignId, unitId: problems.leadUnitId, unit: units.name })
    .from(problems)
    .innerJoin(units, eq(units.id, problems.leadUnitId))
    .innerJoin(campaigns, eq(campaigns.id, problems.campaignId))
    .where(and(inArray(problems.id, escalatedProblemIds), ne(campaigns.state, 'archived')));
  const monday = addDays(o.today, 1 - (weekday(o.today) || 7));
  const ctx = {
    tx,
    actor: LADDER,
    now: o.at,
    config: o.config,
    directory: noDirectory,
    calendar: o.calendar,
  };
  let sent = 0;
  for (const p of pairs) {
    const contacts = (await tx.select().from(unitContacts).where(eq(unitContacts.unitId, p.unitId))).map(
      (c) => c.openId,
    );
    if (!contacts.length) continue;
    const key = `urge:${p.campaignId}:${p.unitId}:${monday}`;
    const won = rowsOf(
      await tx.execute(sql`insert into delivery_keys (key, at) values (${key}, ${o.at.toISOString()}::timestamptz)
        on conflict do nothing returning key`),
    );
    if (!won.length) continue;
    const [first, ...rest] = contacts as [string, ...string[]];
    const issued = await issueUrge(
      ctx,
      { id: p.unitId, name: p.unit },
      { type: 'open_id', id: first },
      campaignProblems(p.campaignId),
    ).catch((e: unknown) => {
      // Nothing overdue any more (closed since the ladder looked): no document, nothing else changes.
      if (e instanceof DomainError) return null;
      throw e;
    });
    if (!issued) continue;
    if (rest.length)
      await enqueue(
        tx,
        rest.map((id) => ({
          msgType: 'file' as const,
          content: {},
          purpose: 'document_urge',
          file: { name: issued.fileName, bytes: issued.bytes },
          to: { type: 'open_id' as const, id },
        })),
      );
    sent++;
  }
  return sent;
}
