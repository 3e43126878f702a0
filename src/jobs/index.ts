import type { AppDeps } from '../deps.js';
import { notFound } from '../domain/errors.js';
import type { Dispatcher } from '../outbox/dispatcher.js';
import { purgeSettled } from '../outbox/retention.js';
import { JobQueue } from '../queue/queue.js';
import { flushDeliveryFailures } from '../services/delivery-failures.js';
import { runDigest } from '../services/digest.js';
import { URGE_JOB, urgeJob } from '../services/documents/escalation-urge.js';
import { closeDueVotes } from '../services/evaluation/close-due-votes.js';
import { EVIDENCE_JOB } from '../services/evidence/common.js';
import { evidenceJob } from '../services/evidence/download.js';
import { sealFeedback } from '../services/feedback/seal.js';
import { purgeAnonymousReceipts, purgeProcessedEvents } from '../services/intake.js';
import { runReminders } from '../services/reminders.js';
import { sealAnonymousRatings } from '../services/revisits/seal-anonymous.js';
import { IMPORT_COMMIT_JOB, importCommitJob } from '../services/spreadsheet/import-commit.js';
import { importDownloadJob } from '../services/spreadsheet/import-download.js';
import { IMPORT_DOWNLOAD_JOB } from '../services/spreadsheet/import-receive.js';

export interface JobDeps extends AppDeps {
  dispatcher: Dispatcher;
  /** The jobs-table runner (src/queue/queue.ts); built from deps where a root does not make one. */
  queue?: JobQueue;
}

/** The jobs-table runner with every handler; onWork wakes the dispatcher for what the jobs queued. */
export function createJobQueue(deps: AppDeps, onWork?: () => void): JobQueue {
  return new JobQueue({
    db: deps.db,
    log: deps.log,
    clock: deps.clock,
    onWork,
    handlers: {
      [EVIDENCE_JOB]: evidenceJob(deps),
      [IMPORT_DOWNLOAD_JOB]: importDownloadJob(deps),
      [IMPORT_COMMIT_JOB]: importCommitJob(deps),
      [URGE_JOB]: urgeJob(deps),
    },
  });
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
    // Slow work queued by events (evidence downloads); also sweeps jobs a crashed process left leased.
    name: 'queue',
    async run(deps, at) {
      return (deps.queue ?? createJobQueue(deps)).runOnce(at);
    },
  },
  {
    name: 'reminders',
    cron: (deps) => deps.config.reminderCron,
    async run(deps, at) {
      return runReminders(deps, at);
    },
  },
  {
    name: 'digest',
    cron: (deps) => deps.config.digestCron,
    async run(deps, at) {
      return runDigest(deps, at);
    },
  },
  {
    name: 'housekeeping',
    cron: () => '17 * * * *',
    async run(deps, at) {
      await purgeProcessedEvents(deps.db, at);
      const sealed = await sealFeedback(deps.db, at, deps.config.timezone);
      const ratings = await sealAnonymousRatings(deps.db, at, deps.config.timezone);
      const anonymousReceiptsErased = await purgeAnonymousReceipts(deps.db, at);
      const purged = await purgeSettled(deps.db, at, deps.config.retentionDays);
      // Failures told since the last digest: hourly, with slack for the cron's own timing.
      const failuresTold = await flushDeliveryFailures(deps.db, deps.config.adminOpenIds, at, 55 * 60_000);
      return {
        feedbackAudited: sealed.audited,
        anonymousRatingsAudited: ratings.audited,
        anonymousReceiptsErased,
        purged,
        failuresTold,
      };
    },
  },
  {
    // 满意度测评 past its closing time: tally, delete the ballot pool, send the results.
    name: 'evaluation',
    cron: () => '*/5 * * * *',
    async run(deps, at) {
      return closeDueVotes(deps, at);
    },
  },
];

export function findJob(name: string): JobSpec | undefined {
  return JOBS.find((j) => j.name === name);
}

export async function runJob(deps: JobDeps, name: string, at: Date): Promise<unknown> {
  const job = findJob(name);
  if (!job) throw notFound(`unknown job "${name}"; jobs: ${JOBS.map((j) => j.name).join(', ')}`);
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
        err: e,
      },
      'job',
    );
    throw e;
  }
}
