import { Redis } from 'ioredis';

/** Redis could not be reached at start: the message names the URL without its password. */
export class RedisUnreachable extends Error {}

/**
 * A connection for BullMQ's blocking commands (workers, subscribers): commands wait while Redis
 * is away and go through when it is back.
 */
export function connectForWork(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
}

/**
 * A connection for the web process: a command fails at once while Redis is away, so a delivery is
 * answered 503 (GitHub shows it as failed and it can be redelivered) instead of hanging or being
 * accepted and lost.
 */
export function connectForRequests(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: name });
}

/** Resolves once the connection is ready; rejects after `timeoutMs` with what to check. */
export function whenReady(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    const onError = (error: Error) => (lastError = error.message);
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      redis.off('error', onError);
      reject(new RedisUnreachable(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}; check REDIS_URL and that Redis is running.`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      redis.off('error', onError);
      resolve();
    };
    redis.once('ready', onReady);
    redis.on('error', onError);
  });
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a malformed URL)';
  }
}
