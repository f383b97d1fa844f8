import type { Logger } from 'pino';
import type { Log } from './pipeline/context.js';
import { jobId, type ReviewJob } from './queue.js';

/**
 * A log whose every line carries `bindings` as JSON fields (pino's child loggers), so one
 * delivery's or one job's lines can be found among many processes': `{"delivery":"…"}`,
 * `{"job":"owner/repo#7@<sha>"}`. The message keeps a short human prefix for reading a terminal.
 */
export function boundLog(logger: Logger, bindings: Record<string, string | number>, prefix = ''): Log {
  const child = logger.child(bindings);
  return { info: (m) => child.info(prefix + m), warn: (m) => child.warn(prefix + m), error: (m) => child.error(prefix + m) };
}

/** The log of one review job: its id and pull request as fields, `owner/repo#7@abc1234: ` before each line. */
export function jobLog(logger: Logger, job: ReviewJob, queueJobId: string = jobId(job)): Log {
  return boundLog(logger, { job: queueJobId, pull: job.key, sha: job.sha }, `${job.key}@${job.sha.slice(0, 7)}: `);
}
