import { RateLimited } from './github/request-policy.js';
import { jobDurationSeconds, jobFailures, jobWaitSeconds } from './metrics.js';
import { ShuttingDown, Superseded, type QueueRunner } from './queue.js';

/**
 * A runner with the job metrics, the same for the embedded queue and the workers: the wait from
 * queued to started, and each run's duration by outcome (a failure also counted by reason).
 */
export function timedRunner(runner: QueueRunner): QueueRunner {
  return {
    ...runner,
    async run(job, signal) {
      if (job.queuedAt !== undefined) jobWaitSeconds.observe((Date.now() - job.queuedAt) / 1000);
      const end = jobDurationSeconds.startTimer();
      try {
        await runner.run(job, signal);
        end({ outcome: 'done' });
      } catch (error) {
        const reason: unknown = signal.aborted ? signal.reason : error;
        if (reason instanceof Superseded || error instanceof Superseded) end({ outcome: 'superseded' });
        else if (reason instanceof ShuttingDown) end({ outcome: 'stopped' });
        else if (error instanceof RateLimited) {
          end({ outcome: 'delayed' });
          jobFailures.inc({ reason: 'rate_limited' });
        } else {
          end({ outcome: 'failed' });
          jobFailures.inc({ reason: 'error' });
        }
        throw error;
      }
    },
  };
}
