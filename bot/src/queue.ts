export interface ReviewJob {
  /** One pull request: `owner/repo#number`. A newer job for the same key supersedes an older one. */
  key: string;
  /** The head commit; the same SHA is analyzed once unless `force` (a re-run asked for on GitHub). */
  sha: string;
  force?: boolean;
  run(signal: AbortSignal): Promise<void>;
}

export interface QueueLog {
  info(message: string): void;
  error(message: string): void;
}

/** Remembered head SHAs: enough for a busy day of pushes, bounded so memory is too. */
const MAX_REMEMBERED = 5000;

/**
 * The in-process queue webhooks hand their work to, so they can be answered at once. Analyses run
 * one at a time (each takes a core and memory); a job for a SHA already analyzed or under way is
 * dropped; a newer push to the same pull request replaces its waiting job and aborts its running one.
 */
export class ReviewQueue {
  private readonly waiting: ReviewJob[] = [];
  private running: { job: ReviewJob; controller: AbortController } | undefined;
  private readonly seen = new Set<string>();
  private drained: Promise<void> = Promise.resolve();
  private resolveDrained: (() => void) | undefined;

  constructor(private readonly log: QueueLog) {}

  /** Returns why the job was not queued, or undefined when it was. */
  enqueue(job: ReviewJob): string | undefined {
    const id = `${job.key}@${job.sha}`;
    if (!job.force && (this.seen.has(id) || this.waiting.some((w) => w.key === job.key && w.sha === job.sha))) {
      return `${job.sha.slice(0, 7)} of ${job.key} is already analyzed or queued`;
    }
    const replaced = this.waiting.findIndex((w) => w.key === job.key);
    if (replaced >= 0) {
      this.log.info(`${job.key}: ${job.sha.slice(0, 7)} replaces queued ${this.waiting[replaced]!.sha.slice(0, 7)}`);
      this.waiting.splice(replaced, 1);
    }
    if (this.running && this.running.job.key === job.key && this.running.job.sha !== job.sha) {
      this.log.info(`${job.key}: ${job.sha.slice(0, 7)} supersedes ${this.running.job.sha.slice(0, 7)}, which is stopped`);
      this.running.controller.abort(new Superseded(job.sha));
    }
    this.waiting.push(job);
    if (!this.resolveDrained) this.drained = new Promise((resolve) => (this.resolveDrained = resolve));
    if (!this.running) void this.next();
    return undefined;
  }

  /** Resolves once nothing is queued or running (for the Actions entry point and tests). */
  onIdle(): Promise<void> {
    return this.drained;
  }

  private async next(): Promise<void> {
    const job = this.waiting.shift();
    if (!job) {
      this.resolveDrained?.();
      this.resolveDrained = undefined;
      return;
    }
    const controller = new AbortController();
    this.running = { job, controller };
    this.remember(`${job.key}@${job.sha}`);
    try {
      await job.run(controller.signal);
    } catch (error) {
      if (!(error instanceof Superseded || controller.signal.reason instanceof Superseded)) {
        // A failed analysis may be tried again by a redelivery or a re-run.
        this.seen.delete(`${job.key}@${job.sha}`);
        this.log.error(`${job.key}@${job.sha.slice(0, 7)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    } finally {
      this.running = undefined;
    }
    return this.next();
  }

  private remember(id: string): void {
    this.seen.delete(id);
    this.seen.add(id);
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.values().next().value!);
  }
}

/** Why a running analysis stopped: a newer push to the same pull request. */
export class Superseded extends Error {
  constructor(readonly by: string) {
    super(`superseded by ${by.slice(0, 7)}`);
  }
}
