import type { Redis } from 'ioredis';
import { installationSlotsKey } from './review-job-id.js';

/**
 * Takes a slot for `ARGV[1]` (a job id) when fewer than `ARGV[2]` holds are live, or renews the
 * job's own: a sorted set of job ids by the time their hold lapses (Redis's clock, so workers'
 * clocks need not agree). Lapsed holds (a worker that died) are dropped first.
 */
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 1
end
return 0
`;

/**
 * Per-installation fairness: at most `cap` reviews of one installation run at once across all
 * workers, so an organisation pushing a hundred pull requests leaves room for the others. A hold
 * lasts `leaseMs` unless renewed, so a killed worker's slot comes back by itself.
 */
export class InstallationSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cap: number,
    readonly leaseMs: number,
  ) {}

  async take(installationId: number, jobId: string): Promise<boolean> {
    return (await this.redis.eval(TAKE, 1, installationSlotsKey(this.prefix, installationId), jobId, String(this.cap), String(this.leaseMs))) === 1;
  }

  async release(installationId: number, jobId: string): Promise<void> {
    await this.redis.zrem(installationSlotsKey(this.prefix, installationId), jobId);
  }
}
