import { DelayedError, WaitingError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { RateLimited } from '../github/request-policy.js';
import { boundLog, jobLog } from '../logging.js';
import { jobFailures } from '../metrics.js';
import { ShuttingDown, Superseded, type QueueRunner, type ReviewJob } from '../queue.js';
import { timedRunner } from '../timed-runner.js';
import { connectForWork } from './connect-redis.js';
import { Leases } from './leases.js';
import { REVIEW_QUEUE, type RedisQueueSettings } from './redis-settings.js';
import { installationLeasesKey, pullLeaseKey, supersedeChannel } from './review-job-id.js';

/** A job that cannot take its leases waits this long before it is offered again. */
const LEASE_WAIT_MS = 2000;

export interface ReviewWorker {
  /** Whether the worker takes jobs and reaches Redis (`/readyz`); the reason when not. */
  notReady(): string | undefined;
  /**
   * Stops taking jobs; running ones may finish for `graceMs`, then are stopped and handed back to
   * the queue at once, for another worker (their checks say so meanwhile).
   */
  stop(graceMs: number): Promise<void>;
}

interface Running {
  job: ReviewJob;
  controller: AbortController;
}

/**
 * A worker process's side of the queue on Redis: takes review jobs (BullMQ holds each under a
 * lock the worker renews; a worker that dies stops renewing, and another takes its job up) and
 * runs them through the same pipeline as the embedded queue, which does nothing twice, so a job
 * run again after a crash adds no second check, review or summary.
 */
export function startReviewWorker(runner: QueueRunner, settings: RedisQueueSettings, logger: Logger): ReviewWorker {
  const log = boundLog(logger, { role: 'worker' });
  const connection = connectForWork(settings.url, 'premortem-worker');
  const subscriber = connectForWork(settings.url, 'premortem-worker-events');
  for (const redis of [connection, subscriber]) redis.on('error', (error: Error) => log.warn(`redis: ${error.message}`));
  const leaseStore = new Leases(connection, settings.lockMs * 2);
  const running = new Map<string, Running>();
  const timed = timedRunner(runner);
  /** One review per pull request at a time (a re-run beside its head's job would race it), and a share per installation. */
  const leaseKeys = (job: ReviewJob): { key: string; cap: number }[] => [
    { key: pullLeaseKey(settings.prefix, job.key), cap: 1 },
    ...(job.installationId === undefined ? [] : [{ key: installationLeasesKey(settings.prefix, job.installationId), cap: settings.installationConcurrency }]),
  ];
  const takeAll = async (leases: { key: string; cap: number }[], id: string): Promise<boolean> => {
    for (const [i, lease] of leases.entries()) {
      if (await leaseStore.take(lease.key, id, lease.cap)) continue;
      await releaseAll(leases.slice(0, i), id);
      return false;
    }
    return true;
  };
  const releaseAll = (leases: { key: string }[], id: string): Promise<unknown> => Promise.all(leases.map((lease) => leaseStore.release(lease.key, id).catch(() => undefined)));
  let stopping: string | undefined;

  const processJob = async (bull: Job<ReviewJob>, token: string | undefined, signal: AbortSignal | undefined): Promise<string> => {
    const job = bull.data;
    const id = bull.id!;
    const jobLogger = jobLog(logger, job, id);
    const leases = leaseKeys(job);
    if (!(await takeAll(leases, id))) {
      // Its installation has its share of workers, or its pull request is being reviewed: back
      // behind the other jobs, and offered again shortly.
      await bull.moveToDelayed(Date.now() + LEASE_WAIT_MS, token);
      throw new DelayedError();
    }
    jobLogger.info(`started (attempt ${bull.attemptsMade + 1} of ${bull.opts.attempts ?? 1})`);
    const controller = new AbortController();
    // BullMQ's own signal fires when the worker is told to stop its jobs: a shutdown.
    signal?.addEventListener('abort', () => controller.abort(new ShuttingDown()), { once: true });
    running.set(id, { job, controller });
    // Renewed while it runs (taking a lease one holds renews it).
    const renew = setInterval(() => void Promise.all(leases.map((lease) => leaseStore.take(lease.key, id, lease.cap))).catch(() => undefined), leaseStore.leaseMs / 3);
    try {
      // Timed as the embedded queue's jobs are, from when the web process queued it.
      await timed.run({ ...job, queuedAt: bull.timestamp }, controller.signal);
      jobLogger.info('done');
      return 'reviewed';
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
      if (reason instanceof Superseded || error instanceof Superseded) {
        jobLogger.info(`stopped: ${(reason instanceof Superseded ? reason : (error as Superseded)).message}`);
        return 'superseded';
      }
      if (reason instanceof ShuttingDown) {
        jobLogger.info('handed back to the queue: this worker is stopping');
        await bull.moveToWait(token);
        throw new WaitingError();
      }
      if (error instanceof RateLimited) {
        jobLogger.info(`${error.message} Taken up again then.`);
        await bull.moveToDelayed(error.retryAt, token);
        throw new DelayedError();
      }
      throw error;
    } finally {
      running.delete(id);
      clearInterval(renew);
      await releaseAll(leases, id);
    }
  };

  const worker = new Worker<ReviewJob, string>(REVIEW_QUEUE, processJob, {
    connection,
    prefix: settings.prefix,
    concurrency: settings.workerConcurrency,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledCheckMs,
    // A job whose worker died twice is likely what kills workers: it is dead-lettered, not tried a third time.
    maxStalledCount: 2,
  });
  worker.on('error', (error: Error) => log.error(`review worker: ${error.message}`));
  worker.on('stalled', (id: string) => boundLog(logger, { job: id }).warn(`${id}: its worker stopped answering; the job is taken up again`));
  worker.on('failed', (bull: Job<ReviewJob> | undefined, error: Error) => {
    if (!bull) return;
    const jobLogger = jobLog(logger, bull.data, bull.id);
    const attempts = bull.opts.attempts ?? 1;
    if (bull.attemptsMade >= attempts || /stalled more than/i.test(error.message)) {
      jobFailures.inc({ reason: 'dead_letter' });
      jobLogger.error(`dead-lettered after ${bull.attemptsMade} attempt(s): ${error.message}`);
    } else {
      jobLogger.warn(`failed (attempt ${bull.attemptsMade} of ${attempts}), retried later: ${error.stack ?? error.message}`);
    }
  });

  // A newer push queued for a pull request whose older head runs here: stopped once GitHub confirms it.
  subscriber.subscribe(supersedeChannel(settings.prefix)).catch((error: unknown) => log.error(`cannot hear of newer pushes (they are still caught before posting): ${error instanceof Error ? error.message : String(error)}`));
  subscriber.on('message', (_channel: string, message: string) => {
    let newer: ReviewJob;
    try {
      newer = JSON.parse(message) as ReviewJob;
    } catch {
      return;
    }
    for (const entry of running.values()) {
      if (entry.job.key !== newer.key || entry.job.sha === newer.sha) continue;
      runner
        .isCurrentHead(newer)
        .then((current) => {
          if (!current || entry.controller.signal.aborted) return;
          jobLog(logger, entry.job).info(`${newer.sha.slice(0, 7)} supersedes ${entry.job.sha.slice(0, 7)}, which is stopped`);
          entry.controller.abort(new Superseded(newer.sha));
        })
        .catch((error: unknown) => log.error(`${newer.key}: could not tell whether ${newer.sha.slice(0, 7)} is the head: ${error instanceof Error ? error.message : String(error)}`));
    }
  });

  return {
    notReady: () => stopping ?? (connection.status === 'ready' ? undefined : `redis: ${connection.status}`),
    async stop(graceMs) {
      stopping = 'stopping: running reviews may finish, no new jobs are taken';
      const closed = worker.close();
      const grace = setTimeout(() => {
        for (const entry of running.values()) entry.controller.abort(new ShuttingDown());
      }, graceMs);
      await closed;
      clearTimeout(grace);
      subscriber.disconnect();
      connection.disconnect();
    },
  };
}
