import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The bot's metrics, in Prometheus' text format on `GET /metrics` of the web process and of each
 * worker. One registry per process: a worker reports the jobs it ran, the web process the
 * deliveries it took; the queue's depth is Redis's, so any of them reports it.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'premortem_' });

export const deliveriesReceived = new Counter({
  name: 'premortem_deliveries_total',
  help: 'Verified webhook deliveries, by what became of them (queued, not_queued: already analyzed or queued, skipped: not an event premortem reviews).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const jobWaitSeconds = new Histogram({
  name: 'premortem_job_wait_seconds',
  help: 'From a job being queued to its review starting (on a worker, or in the embedded queue).',
  buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900],
  registers: [registry],
});

export const jobDurationSeconds = new Histogram({
  name: 'premortem_job_duration_seconds',
  help: 'A review job from start to end, by outcome (done, superseded, delayed, failed, stopped: its process is stopping).',
  labelNames: ['outcome'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600],
  registers: [registry],
});

export const analysisSeconds = new Histogram({
  name: 'premortem_analysis_seconds',
  help: 'One snapshot analysis in its confined process (a review analyzes the head, and the base for query costs).',
  labelNames: ['side'] as const,
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: 'premortem_job_failures_total',
  help: 'Reviews that did not complete, by reason (rate_limited, snapshot_refused, analysis_failed, error: premortem\'s own, dead_letter: out of retries).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const githubRateLimitRemaining = new Gauge({
  name: 'premortem_github_rate_limit_remaining',
  help: "GitHub's x-ratelimit-remaining on the last response, by resource (core, search, …).",
  labelNames: ['resource'] as const,
  registers: [registry],
});

/** Jobs by state, asked of the queue when scraped. */
export const queueJobs = new Gauge({
  name: 'premortem_queue_jobs',
  help: 'Review jobs by state (waiting, active, delayed, failed: the dead letters, completed: kept for a while).',
  labelNames: ['state'] as const,
  registers: [registry],
});

let countJobs: (() => Promise<Record<string, number>>) | undefined;

/** Where `premortem_queue_jobs` is read from: this process's queue or Redis's. */
export function countQueueWith(counter: () => Promise<Record<string, number>>): void {
  countJobs = counter;
}

/** The text a scrape gets. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  if (countJobs) {
    try {
      for (const [state, count] of Object.entries(await countJobs())) queueJobs.set({ state }, count);
    } catch {
      // Redis unreachable: the gauge keeps its last values; the failure shows in /readyz.
    }
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
