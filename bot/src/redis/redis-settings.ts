/** How the queue on Redis is set up; each has an environment variable (bot/README.md, "Several workers"). */
export interface RedisQueueSettings {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS (`REDIS_URL`). */
  url: string;
  /** Prefix of every key premortem writes, so deployments can share a Redis (`PREMORTEM_REDIS_PREFIX`). */
  prefix: string;
  /** Tries of a job that fails, the first included, before it is dead-lettered (`PREMORTEM_JOB_ATTEMPTS`). */
  attempts: number;
  /** The first retry's delay; each next one doubles it (`PREMORTEM_JOB_BACKOFF_MS`). */
  backoffMs: number;
  /** Reviews one worker process runs at once (`PREMORTEM_WORKER_CONCURRENCY`); each takes a core and up to the analysis memory limit. */
  workerConcurrency: number;
  /** Reviews of one installation running at once across all workers (`PREMORTEM_INSTALLATION_CONCURRENCY`). */
  installationConcurrency: number;
  /**
   * How long a worker's hold on a job lasts unless renewed (`PREMORTEM_JOB_LOCK_MS`): a worker
   * that dies is noticed after this, and its job handed to another.
   */
  lockMs: number;
  /** How often workers look for jobs whose worker died (`PREMORTEM_STALLED_CHECK_MS`). */
  stalledCheckMs: number;
}

export const DEFAULT_REDIS_QUEUE_SETTINGS: Omit<RedisQueueSettings, 'url'> = {
  prefix: 'premortem',
  attempts: 4,
  backoffMs: 30_000,
  workerConcurrency: 1,
  installationConcurrency: 2,
  lockMs: 30_000,
  stalledCheckMs: 15_000,
};

/** The queue's name under the prefix: its keys are `<prefix>:reviews:*`. */
export const REVIEW_QUEUE = 'reviews';
