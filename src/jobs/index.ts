import type { AppDeps } from '../deps.js';
import type { Dispatcher } from '../outbox/dispatcher.js';
import { purgeProcessedEvents } from '../services/intake.js';

export interface JobDeps extends AppDeps {
  dispatcher: Dispatcher;
}

export interface JobSpec {
  name: string;
  /** Schedule from config, in APP_TIMEZONE; undefined: run on demand only. */
  cron?: (deps: JobDeps) => string;
  run(deps: JobDeps, at: Date): Promise<unknown>;
}

/** The job list shared by node-cron (src/jobs/scheduler.ts), `npm run job` and Workers Cron Triggers. */
export const JOBS: JobSpec[] = [
  {
    name: 'dispatch',
    async run(deps, at) {
      return deps.dispatcher.runOnce(at);
    },
  },
  {
    name: 'housekeeping',
    cron: () => '17 3 * * *',
    async run(deps, at) {
      await purgeProcessedEvents(deps.db, at);
      return { purged: true };
    },
  },
];

export function findJob(name: string): JobSpec | undefined {
  return JOBS.find((j) => j.name === name);
}

export async function runJob(deps: JobDeps, name: string, at: Date): Promise<unknown> {
  const job = findJob(name);
  if (!job) throw new Error(`unknown job "${name}"; jobs: ${JOBS.map((j) => j.name).join(', ')}`);
  const started = performance.now();
  try {
    const result = await job.run(deps, at);
    deps.log.info(
      {
        action: `job:${name}`,
        at: at.toISOString(),
        outcome: 'ok',
        result,
        ms: Math.round(performance.now() - started),
      },
      'job',
    );
    deps.kick();
    return result;
  } catch (e) {
    deps.log.error(
      {
        action: `job:${name}`,
        at: at.toISOString(),
        outcome: 'error',
        err: e instanceof Error ? e.message : String(e),
      },
      'job',
    );
    throw e;
  }
}
