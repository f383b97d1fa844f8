import os from 'node:os';
import path from 'node:path';
import type { Probot } from 'probot';
import { DEFAULT_ANALYSIS_LIMITS } from './analysis/analyze-snapshot.js';
import { JobJournal } from './job-journal.js';
import { boundLog, jobLog } from './logging.js';
import { countQueueWith, deliveriesReceived } from './metrics.js';
import type { Log, ReviewSettings } from './pipeline/context.js';
import { ReviewQueue, type ReviewJob } from './queue.js';
import type { RedisReviewQueue } from './redis/redis-queue.js';
import { appIdentity, createReviewRunner } from './review-runner.js';
import { routeEvent, type Delivery, type Routed } from './route-event.js';
import { timedRunner } from './timed-runner.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot/extract-tarball.js';
import { VERSION } from './version.js';
import { prepareWorkDir, snapshotsFolder } from './work-dir.js';

export const DEFAULT_SETTINGS: Omit<ReviewSettings, 'identity' | 'resumesAfterShutdown'> = {
  checkName: 'premortem',
  workDir: path.join(os.tmpdir(), 'premortem-bot'),
  snapshotLimits: DEFAULT_SNAPSHOT_LIMITS,
  analysisLimits: DEFAULT_ANALYSIS_LIMITS,
  incompleteConclusion: 'failure',
  settleMs: 1000,
  maxInlineComments: 20,
  maxAnnotations: 500,
  version: VERSION,
};

export interface AppOptions extends Partial<Omit<ReviewSettings, 'resumesAfterShutdown'>> {
  /**
   * Write every accepted job to `<workDir>/queue` until it is done, and take up what a previous
   * process left there: the server's mode. The Actions entry runs one event and needs none.
   */
  durable?: boolean;
  /** `token`: the Actions entry's job token, not an installation's. */
  authentication?: 'app' | 'token';
  /**
   * Hand jobs to this queue on Redis instead of running them here: the web process of a
   * deployment with workers (`bot/dist/worker.js`). Nothing is analyzed in this process then.
   */
  redisQueue?: RedisReviewQueue;
}

export interface PremortemApp {
  /**
   * Routes a verified delivery to a queued review; resolves with what was done, for the log. It
   * rejects only when the job could not be queued (Redis unreachable): the delivery must then not
   * be answered as accepted.
   */
  receive(delivery: Delivery & { id: string }): Promise<string>;
  /** Resolves when every queued review has run (in this process). */
  idle(): Promise<void>;
  /** Stops taking work; see `ReviewQueue.drain`. */
  drain(graceMs: number): Promise<void>;
}

/**
 * The app: deliveries become queued reviews, answered at once. Embedded (the default), reviews
 * run one at a time behind this process's queue (`receive` does no I/O but the journal's one
 * small file). With `redisQueue`, jobs go to Redis and worker processes run them. Probot provides
 * the GitHub clients (installation tokens, or the job's token) and the log.
 */
export async function createApp(probot: Probot, options: AppOptions = {}): Promise<PremortemApp> {
  const { durable = false, authentication = 'app', redisQueue, ...overrides } = options;
  await probot.ready(); // its log and clients exist once it is initialized
  const log: Log = boundLog(probot.log, {});
  const route = (delivery: Delivery, checkName: string) => routeEvent(delivery, { checkName, useInstallation: authentication === 'app' });

  if (redisQueue) {
    // The web process of a deployment with workers: it verifies, de-duplicates and enqueues; the workers review.
    const checkName = overrides.checkName ?? DEFAULT_SETTINGS.checkName;
    return {
      receive: (delivery) => receiveWith(probot, delivery, route(delivery, checkName), (job) => redisQueue.enqueue(job, delivery.id)),
      idle: () => Promise.resolve(),
      drain: () => Promise.resolve(),
    };
  }

  const identity = overrides.identity ?? (await appIdentity(probot));
  const settings: ReviewSettings = { ...DEFAULT_SETTINGS, ...overrides, identity, resumesAfterShutdown: durable };
  const leftovers = prepareWorkDir(settings.workDir);
  if (leftovers > 0) log.info(`removed ${leftovers} snapshot folder(s) a previous process left in ${snapshotsFolder(settings.workDir)}`);

  const queue = new ReviewQueue(
    timedRunner(createReviewRunner(probot, settings, (job) => jobLog(probot.log, job))),
    log,
    durable ? new JobJournal(path.join(settings.workDir, 'queue'), log) : undefined,
  );
  countQueueWith(() => Promise.resolve(queue.counts()));
  const restored = queue.restore();
  if (restored > 0) log.info(`taking up ${restored} review(s) a previous process had accepted and not finished`);

  return {
    receive: (delivery) => receiveWith(probot, delivery, route(delivery, settings.checkName), (job) => queue.enqueue({ ...job, queuedAt: Date.now() })),
    idle: () => queue.onIdle(),
    drain: (graceMs) => queue.drain(graceMs),
  };
}

/**
 * One delivery: skipped, or its job handed to `enqueue` (which says why it did not queue it, if
 * it did not). Logged once with the delivery's id as a field, and counted by outcome.
 */
async function receiveWith(probot: Probot, delivery: Delivery & { id: string }, routed: Routed, enqueue: (job: ReviewJob) => string | undefined | Promise<string | undefined>): Promise<string> {
  let said: string;
  let outcome: 'skipped' | 'queued' | 'not_queued';
  if ('skip' in routed) {
    said = `skipped, ${routed.skip}`;
    outcome = 'skipped';
  } else {
    const notQueued = await enqueue(routed.job);
    said = notQueued ? `${routed.job.key}: not queued, ${notQueued}` : `${routed.job.key}: ${routed.job.sha.slice(0, 7)} queued`;
    outcome = notQueued ? 'not_queued' : 'queued';
  }
  deliveriesReceived.inc({ outcome });
  boundLog(probot.log, { delivery: delivery.id, event: delivery.name }).info(`delivery ${delivery.id}: ${said}`);
  return said;
}
