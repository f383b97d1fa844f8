import { RateLimited } from './github/request-policy.js';
import type { ReviewTarget } from './pipeline/context.js';
import type { JobJournal } from './job-journal.js';

/** One review to run: plain data, so it can be written down and taken up again after a restart. */
export interface ReviewJob {
  /** One pull request: `owner/repo#number`. */
  key: string;
  /** The head commit; the same SHA is analyzed once unless `force` (a re-run asked for on GitHub). */
  sha: string;
  force: boolean;
  target: ReviewTarget;
  /** The installation whose token the job uses; absent with a job token (GitHub Actions). */
  installationId?: number;
  /**
   * When the pull request was updated, as the event says (ms since the epoch): of two pushes'
   * events, however late each arrives, the later push has the later time. Absent for a re-run.
   */
  pushedAt?: number;
  /** When this process accepted it (ms since the epoch), for `premortem_job_wait_seconds`. */
  queuedAt?: number;
}

export interface QueueRunner {
  run(job: ReviewJob, signal: AbortSignal): Promise<void>;
  /** Whether the job's SHA is its pull request's head now (asked before a newer push stops an older analysis). */
  isCurrentHead(job: ReviewJob): Promise<boolean>;
}

export interface QueueLog {
  info(message: string): void;
  error(message: string): void;
}

/** Remembered head SHAs: enough for a busy day of pushes, bounded so memory is too. */
const MAX_REMEMBERED = 5000;

/**
 * The in-process queue webhooks hand their work to, so they can be answered at once. Analyses run
 * one at a time (each takes a core and memory). A job for a SHA already analyzed or under way is
 * dropped. A newer push stops the running analysis of an older one once GitHub confirms it is the
 * head (an event can arrive late or twice; the job itself checks again before it starts and before
 * it posts). With a journal, every job is written down until it is done: a restart, a crash or
 * `drain` loses none, and a job GitHub rate-limits is taken up again when the limit resets.
 */
export class ReviewQueue {
  private readonly waiting: ReviewJob[] = [];
  private running: { job: ReviewJob; controller: AbortController; done: Promise<void> } | undefined;
  private readonly seen = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: QueueRunner,
    private readonly log: QueueLog,
    private readonly journal?: JobJournal,
  ) {}

  /** Returns why the job was not queued, or undefined when it was. */
  enqueue(job: ReviewJob): string | undefined {
    if (this.stopping) return 'premortem is shutting down';
    const id = jobId(job);
    if (!job.force && (this.seen.has(id) || this.retries.has(id) || this.waiting.some((w) => jobId(w) === id))) {
      return `${job.sha.slice(0, 7)} of ${job.key} is already analyzed or queued`;
    }
    this.journal?.save(job);
    this.add(job);
    const running = this.running;
    if (running && running.job.key === job.key && running.job.sha !== job.sha) {
      void this.runner
        .isCurrentHead(job)
        .then((current) => {
          if (!current || this.running !== running) return;
          this.log.info(`${job.key}: ${job.sha.slice(0, 7)} supersedes ${running.job.sha.slice(0, 7)}, which is stopped`);
          running.controller.abort(new Superseded(job.sha));
        })
        .catch((error: unknown) => this.log.error(`${job.key}: could not tell whether ${job.sha.slice(0, 7)} is the head: ${describe(error)}`));
    }
    return undefined;
  }

  /** Takes up the jobs a previous process left in the journal; returns how many. */
  restore(): number {
    const entries = this.journal?.list() ?? [];
    for (const { job, retryAt } of entries) {
      if (retryAt !== undefined && retryAt > Date.now()) this.retryLater(job, retryAt);
      else this.add(job);
    }
    return entries.length;
  }

  /** Jobs by state, for `premortem_queue_jobs`. */
  counts(): Record<string, number> {
    return { waiting: this.waiting.length, active: this.running ? 1 : 0, delayed: this.retries.size };
  }

  /** Resolves once nothing is queued, running or waiting to be retried (for the Actions entry point and tests). */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking work: waits up to `graceMs` for the running job, then stops it (its check stays in
   * progress and its journal entry stays, so the next start resumes it). Waiting jobs stay in the
   * journal too.
   */
  async drain(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    const running = this.running;
    if (!running) return;
    const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
    if ((await Promise.race([running.done.then(() => 'done' as const), grace])) === 'late') {
      this.log.info(`${running.job.key}@${running.job.sha.slice(0, 7)}: stopped for shutdown; it resumes at the next start`);
      running.controller.abort(new ShuttingDown());
      await running.done;
    }
  }

  private add(job: ReviewJob): void {
    this.waiting.push(job);
    // next() settles its own jobs; what can still throw is the journal (a full or read-only disk).
    if (!this.running) this.next().catch((error: unknown) => this.log.error(`the queue stopped: ${describe(error)}`));
  }

  private retryLater(job: ReviewJob, retryAt: number): void {
    const id = jobId(job);
    this.journal?.save(job, retryAt);
    clearTimeout(this.retries.get(id));
    const timer = setTimeout(() => {
      this.retries.delete(id);
      if (!this.stopping) this.add(job);
    }, Math.max(0, retryAt - Date.now()));
    this.retries.set(id, timer);
  }

  private async next(): Promise<void> {
    const job = this.stopping ? undefined : this.waiting.shift();
    if (!job) {
      this.settleIdle();
      return;
    }
    const controller = new AbortController();
    const id = jobId(job);
    this.remember(id);
    let finish!: () => void;
    this.running = { job, controller, done: new Promise((resolve) => (finish = resolve)) };
    try {
      await this.runner.run(job, controller.signal);
      this.journal?.remove(job);
    } catch (error) {
      this.settle(job, error, controller.signal);
    } finally {
      this.running = undefined;
      finish();
    }
    return this.next();
  }

  /** What a failed job leaves behind: nothing, a retry, or (on shutdown) its journal entry. */
  private settle(job: ReviewJob, error: unknown, signal: AbortSignal): void {
    const reason: unknown = signal.aborted ? signal.reason : error;
    if (reason instanceof ShuttingDown) return;
    if (reason instanceof Superseded || error instanceof Superseded) {
      this.journal?.remove(job);
      return;
    }
    if (error instanceof RateLimited) {
      this.log.info(`${job.key}@${job.sha.slice(0, 7)}: ${error.message} Taken up again then.`);
      this.retryLater(job, error.retryAt);
      return;
    }
    // A failed review may be tried again by a redelivery or a re-run.
    this.seen.delete(jobId(job));
    this.journal?.remove(job);
    this.log.error(`${job.key}@${job.sha.slice(0, 7)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }

  private isIdle(): boolean {
    return !this.running && this.waiting.length === 0 && this.retries.size === 0;
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private remember(id: string): void {
    this.seen.delete(id);
    this.seen.add(id);
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.values().next().value!);
  }
}

export function jobId(job: Pick<ReviewJob, 'key' | 'sha'>): string {
  return `${job.key}@${job.sha}`;
}

/** Why a running analysis stopped: a newer push to the same pull request, or it was closed. */
export class Superseded extends Error {
  constructor(
    readonly by: string,
    reason = `superseded by ${by.slice(0, 7)}`,
    readonly closed = false,
  ) {
    super(reason);
  }
}

/** Why a running analysis stopped: the process is shutting down; the job resumes at the next start. */
export class ShuttingDown extends Error {
  constructor() {
    super('premortem is shutting down');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
