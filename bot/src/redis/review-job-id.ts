import type { ReviewJob } from '../queue.js';

/**
 * The job's id in Redis: `owner/repo#7@<sha>`, so a second delivery for the same head is the same
 * job (BullMQ adds a job id once). A re-run asked for on GitHub is a job of its own, named by its
 * delivery. BullMQ ids may not hold `:`; GitHub's names and delivery ids do not either, but a
 * stray one is replaced rather than trusted.
 */
export function reviewJobId(job: Pick<ReviewJob, 'key' | 'sha' | 'force'>, deliveryId: string): string {
  const id = job.force ? `${job.key}@${job.sha}@rerun-${deliveryId}` : `${job.key}@${job.sha}`;
  return id.replaceAll(':', '_');
}

/** Set once a job id is accepted: later deliveries of the same head are not queued again. */
export const acceptedKey = (prefix: string, id: string): string => `${prefix}:accepted:${id}`;

/** The channel workers hear "a newer head was queued for this pull request" on. */
export const supersedeChannel = (prefix: string): string => `${prefix}:reviews:superseded`;

/** The newest push queued for a pull request: `<pushedAt> <job id>`. */
export const latestPushKey = (prefix: string, pullKey: string): string => `${prefix}:latest-push:${pullKey}`;

/** Reviews of an installation running now, each with the time its lease lapses. */
export const installationLeasesKey = (prefix: string, installationId: number): string => `${prefix}:running:installation:${installationId}`;

/** The review of a pull request running now (one at a time, whichever head or re-run). */
export const pullLeaseKey = (prefix: string, pullKey: string): string => `${prefix}:running:pull:${pullKey}`;
