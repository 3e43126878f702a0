import { CronExpressionParser } from 'cron-parser';

/**
 * Which scheduled jobs are due in one tick of a clock that only says "a minute has passed" (the
 * Workers Cron Trigger "* * * * *"). Each schedule is read in the deployment's time zone, so
 * REMINDER_CRON/DIGEST_CRON mean the same on Workers as under node-cron on Node, including
 * day-of-week at local midnight and summer time (docs/decisions/0012-workers.md).
 */

export interface Schedule {
  name: string;
  /** A cron expression of 5 or 6 fields, in `tz`. */
  cron: string;
}

export interface DueResult {
  /** Names whose schedule has an occurrence in (prevTick, now], in the order given. */
  due: string[];
  /** Schedules whose expression does not parse: skipped, for the caller to log. */
  invalid: { name: string; error: string }[];
}

export function dueJobs(schedules: readonly Schedule[], prevTick: Date, now: Date, tz: string): DueResult {
  const out: DueResult = { due: [], invalid: [] };
  for (const s of schedules) {
    try {
      // next() is strictly after currentDate: an occurrence exactly at prevTick belonged to the last tick.
      const next = CronExpressionParser.parse(s.cron, { tz, currentDate: prevTick }).next().toDate();
      if (next.getTime() <= now.getTime()) out.due.push(s.name);
    } catch (e) {
      out.invalid.push({ name: s.name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
