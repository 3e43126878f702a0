import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, unitContacts, units } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { rowsOf, type Tx } from '../../db.js';
import { addDays, weekday } from '../../domain/dates.js';
import { DomainError } from '../../domain/errors.js';
import { enqueue } from '../../outbox/enqueue.js';
import { type JobHandler, PermanentJobError } from '../../queue/queue.js';
import { loadCalendar } from '../calendar/load.js';
import { noDirectory } from '../directory.js';
import type { Role } from '../people/read.js';
import { campaignProblems } from './problem-set.js';
import { issueUrge } from './urge.js';

/** The bot as the issuer of documents the reminder ladder sends (history and audit name it). */
const LADDER = { openId: 'duban_reminders', name: '督办助手（自动催办）', roles: new Set<Role>() };

export const URGE_JOB = 'escalation_urge';
const UrgeJob = z.object({ campaignId: z.number().int(), unitId: z.number().int() });

/**
 * The reminder ladder's supervisor step also sends a 催办通知书: for each (campaign, unit) with a
 * problem escalated today, one document listing all of that unit's overdue problems in the
 * campaign, to the unit's contacts, at most once per unit and campaign per week (a delivery key
 * per Monday). The sweep only queues a job per unit in its transaction: building hundreds of
 * documents there would hold the sweep's lock for minutes (bench: 500 units).
 */
export async function urgeEscalated(tx: Tx, o: { at: Date; today: string }, escalatedProblemIds: number[]) {
  if (!escalatedProblemIds.length) return 0;
  const monday = addDays(o.today, 1 - (weekday(o.today) || 7));
  // One statement: the (campaign, unit) pairs escalated today whose weekly key this sweep wins.
  const won = rowsOf<{ campaign_id: number; unit_id: number }>(
    await tx.execute(sql`with pairs as (
        select distinct p.campaign_id, p.lead_unit_id as unit_id from problems p
        join campaigns c on c.id = p.campaign_id
        where c.state <> 'archived'
          and p.id in (select (jsonb_array_elements_text(${JSON.stringify(escalatedProblemIds)}::jsonb))::int)),
      keys as (
        insert into delivery_keys (key, at)
        select 'urge:' || campaign_id || ':' || unit_id || ':' || ${monday}, ${o.at.toISOString()}::timestamptz from pairs
        on conflict do nothing returning key)
      select campaign_id, unit_id from pairs
      where 'urge:' || campaign_id || ':' || unit_id || ':' || ${monday} in (select key from keys)`),
  );
  // The jobs in one insert (enqueueJob's row shape), committed or not with the sweep.
  if (won.length)
    await tx.insert(jobs).values(
      won.map((r) => ({
        kind: URGE_JOB,
        payload: JSON.stringify({ campaignId: Number(r.campaign_id), unitId: Number(r.unit_id) }),
      })),
    );
  return won.length;
}

/** The queued 催办通知书: issued, stored and sent to the unit's contacts in the job's one transaction. */
export function urgeJob(deps: { config: Config }): JobHandler {
  return {
    async run(raw, job) {
      const parsed = UrgeJob.safeParse(raw);
      if (!parsed.success) throw new PermanentJobError('任务内容无效');
      const { campaignId, unitId } = parsed.data;
      await job.finish(async (tx) => {
        const [unit] = await tx.select().from(units).where(eq(units.id, unitId));
        const contacts = (await tx.select().from(unitContacts).where(eq(unitContacts.unitId, unitId))).map(
          (c) => c.openId,
        );
        const [first, ...rest] = contacts;
        if (!unit || !first) return;
        const calendar = await loadCalendar(tx);
        const ctx = {
          tx,
          actor: LADDER,
          now: job.now,
          config: deps.config,
          directory: noDirectory,
          calendar,
        };
        const issued = await issueUrge(
          ctx,
          unit,
          { type: 'open_id', id: first },
          campaignProblems(campaignId),
        ).catch((e: unknown) => {
          // Nothing overdue any more (closed since the sweep): no document, nothing else changes.
          if (e instanceof DomainError) return null;
          throw e;
        });
        if (!issued || !rest.length) return;
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
      });
    },
  };
}
