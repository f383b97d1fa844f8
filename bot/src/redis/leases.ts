import type { Redis } from 'ioredis';

/**
 * Takes a lease for `ARGV[1]` (a job id) when fewer than `ARGV[2]` are live, or renews the job's
 * own: a sorted set of job ids by the time their lease lapses (Redis's clock, so workers' clocks
 * need not agree). Lapsed leases (a worker that died) are dropped first.
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
 * Counted leases shared by all workers: at most `cap` jobs hold one of a key at once. A lease
 * lasts `leaseMs` unless renewed, so a killed worker's comes back by itself. Used for fairness
 * (reviews per installation) and for one review per pull request at a time.
 */
export class Leases {
  constructor(
    private readonly redis: Redis,
    readonly leaseMs: number,
  ) {}

  async take(key: string, jobId: string, cap: number): Promise<boolean> {
    return (await this.redis.eval(TAKE, 1, key, jobId, String(cap), String(this.leaseMs))) === 1;
  }

  async release(key: string, jobId: string): Promise<void> {
    await this.redis.zrem(key, jobId);
  }
}
