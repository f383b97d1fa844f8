import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Log } from '../pipeline/context.js';
import type { ReviewJob } from '../queue.js';
import { connectForRequests, whenReady } from './connect-redis.js';
import { REVIEW_QUEUE, type RedisQueueSettings } from './redis-settings.js';
import { acceptedKey, latestPushKey, reviewJobId, supersedeChannel } from './review-job-id.js';

/** How long the newest push of a pull request is remembered: longer than any job waits. */
const LATEST_PUSH_TTL_MS = 14 * 24 * 3600_000;
/** Completed jobs are kept this long, so a late redelivery of a reviewed head is known as done. */
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 20_000 };
/** Failed jobs (the dead letters) are kept this long for someone to look at. */
const KEEP_FAILED = { age: 30 * 24 * 3600 };
/** A job not handed to Redis by then is refused, and the delivery with it. */
const ENQUEUE_TIMEOUT_MS = 5000;

/**
 * Records `pushedAt id` as the pull request's newest push unless a later one is known. Returns
 * the record it replaced ('' when there was none), or nil when this push is not the newest.
 */
const RECORD_PUSH = `
local current = redis.call('GET', KEYS[1])
if current then
  local at = tonumber(string.match(current, '^(%d+)'))
  if at and tonumber(ARGV[1]) <= at then return nil end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
return current or ''
`;

/**
 * The web process's side of the queue on Redis (BullMQ): a delivery's job is added under an id
 * made of its pull request and head, so redeliveries and repeated events are one job. A push
 * newer than the one queued for the same pull request (by the time on its event, which does not
 * depend on the order events arrive in) replaces it: the older job is removed while it waits, and
 * the worker running it is told, and stops it once GitHub confirms the newer head.
 */
export class RedisReviewQueue {
  private constructor(
    readonly queue: Queue,
    private readonly redis: Redis,
    private readonly settings: RedisQueueSettings,
    private readonly log: Log,
  ) {}

  static async open(settings: RedisQueueSettings, log: Log): Promise<RedisReviewQueue> {
    const redis = connectForRequests(settings.url, 'premortem-web');
    redis.on('error', (error: Error) => log.warn(`redis: ${error.message}`));
    try {
      await whenReady(redis, settings.url);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    const queue = new Queue(REVIEW_QUEUE, { connection: redis, prefix: settings.prefix });
    queue.on('error', (error: Error) => log.warn(`review queue: ${error.message}`));
    return new RedisReviewQueue(queue, redis, settings, log);
  }

  /** Whether Redis answers commands now (`/readyz`). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** Returns why the job was not queued, or undefined when it was; rejects when Redis cannot be reached. */
  async enqueue(job: ReviewJob, deliveryId: string): Promise<string | undefined> {
    return withTimeout(this.add(job, deliveryId), ENQUEUE_TIMEOUT_MS, `Redis did not take the job within ${ENQUEUE_TIMEOUT_MS} ms`);
  }

  private async add(job: ReviewJob, deliveryId: string): Promise<string | undefined> {
    const id = reviewJobId(job, deliveryId);
    // Taken once, atomically, however many deliveries for the head arrive at the same moment.
    const accepted = acceptedKey(this.settings.prefix, id);
    if ((await this.redis.set(accepted, deliveryId, 'PX', KEEP_COMPLETED.age * 1000, 'NX')) === null) {
      const state = (await (await this.queue.getJob(id))?.getState()) ?? 'replaced by a newer push';
      return state === 'failed'
        ? `${job.sha.slice(0, 7)} of ${job.key} failed earlier and is dead-lettered; re-run the check on GitHub to try again`
        : `${job.sha.slice(0, 7)} of ${job.key} is already analyzed or queued (${state})`;
    }
    const { attempts, backoffMs } = this.settings;
    try {
      await this.queue.add('review', job, { jobId: id, attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED });
    } catch (error) {
      await this.redis.del(accepted).catch(() => undefined);
      throw error;
    }
    if (job.pushedAt !== undefined && !job.force) await this.supersedeOlder(job, id);
    return undefined;
  }

  /** When this push is the newest queued for its pull request, the older one's job gives way. */
  private async supersedeOlder(job: ReviewJob, id: string): Promise<void> {
    const replaced = (await this.redis.eval(RECORD_PUSH, 1, latestPushKey(this.settings.prefix, job.key), String(job.pushedAt), id, String(LATEST_PUSH_TTL_MS))) as string | null;
    const olderId = replaced?.slice(replaced.indexOf(' ') + 1);
    if (!olderId || olderId === id) return;
    const older = await this.queue.getJob(olderId);
    const state = older ? await older.getState() : 'unknown';
    if (['waiting', 'delayed', 'prioritized'].includes(state) && (await this.queue.remove(olderId)) === 1) {
      this.log.info(`${job.key}: ${job.sha.slice(0, 7)} replaces the queued ${olderId.slice(olderId.lastIndexOf('@') + 1, olderId.lastIndexOf('@') + 8)}`);
      return;
    }
    // Running (or taken up meanwhile): its worker stops it once GitHub confirms the newer head.
    if (state !== 'completed' && state !== 'failed') await this.redis.publish(supersedeChannel(this.settings.prefix), JSON.stringify(job));
  }

  /** Jobs by state, for `premortem_queue_jobs`. */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
