import cron, { type ScheduledTask } from 'node-cron';
import { JOBS, type JobDeps, runJob } from './index.js';

/** node-cron schedules on Node, in APP_TIMEZONE. Workers use Cron Triggers over the same JOBS list. */
export function startScheduler(deps: JobDeps): { stop(): void } {
  const tasks: ScheduledTask[] = [];
  for (const job of JOBS) {
    const expr = job.cron?.(deps);
    if (!expr) continue;
    tasks.push(
      cron.schedule(
        expr,
        () => {
          runJob(deps, job.name, deps.clock()).catch(() => {});
        },
        { timezone: deps.config.timezone, name: job.name, noOverlap: true },
      ),
    );
  }
  return {
    stop() {
      for (const t of tasks) void t.stop();
    },
  };
}
