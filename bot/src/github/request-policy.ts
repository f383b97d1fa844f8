import { setTimeout as sleep } from 'node:timers/promises';
import type { Octokit } from '@octokit/core';

export interface RequestPolicy {
  /** Least time between two writes. GitHub's guidance for content-creating requests is one second. */
  writeIntervalMs: number;
  /** Retries after the first attempt, at most. */
  retries: number;
  /** First backoff ceiling; it doubles with each retry, and the wait is drawn at random below it. */
  baseDelayMs: number;
  /** A `Retry-After` or rate-limit reset further away than this fails the request instead of parking the queue. */
  maxDelayMs: number;
}

export const DEFAULT_REQUEST_POLICY: RequestPolicy = { writeIntervalMs: 1000, retries: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}


/**
 * An Octokit plugin: writes paced below GitHub's secondary limits, bounded retries with exponential
 * backoff and full jitter, and `Retry-After` honoured. It replaces Probot's retry plugin (no jitter,
 * ignores `Retry-After`) and throttling plugin, so one policy governs every request. One instance
 * is shared by every Octokit the app creates, so the pacing holds across installations.
 */
export function requestPolicyPlugin(policy: RequestPolicy = DEFAULT_REQUEST_POLICY, random: () => number = Math.random) {
  let nextWriteAt = 0;
  const paceWrite = async () => {
    const now = Date.now();
    const at = Math.max(now, nextWriteAt);
    nextWriteAt = at + policy.writeIntervalMs;
    if (at > now) await sleep(at - now);
  };

  return (octokit: Octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const isWrite = !['GET', 'HEAD'].includes(options.method.toUpperCase()) && !/\/access_tokens$/.test(options.url);
      for (let attempt = 0; attempt <= policy.retries; attempt++) {
        if (isWrite) await paceWrite();
        try {
          return await request(options);
        } catch (error) {
          const delay = attempt < policy.retries ? retryDelay(error as RequestErrorLike, attempt, policy, random) : undefined;
          if (delay === undefined) throw error;
          octokit.log.warn(`${options.method} ${options.url} failed (${(error as RequestErrorLike).status ?? 'network'}); retry ${attempt + 1} of ${policy.retries} in ${Math.round(delay)} ms.`);
          await sleep(delay);
        }
      }
      throw new Error('unreachable: the last attempt returns or throws');
    });
    return {};
  };
}

/** How long to wait before retrying, or undefined when retrying cannot help. */
export function retryDelay(error: RequestErrorLike, attempt: number, policy: RequestPolicy, random: () => number): number | undefined {
  const status = error.status;
  const headers = error.response?.headers ?? {};
  const rateLimited = status === 429 || (status === 403 && (/secondary rate limit/i.test(error.message ?? '') || String(headers['x-ratelimit-remaining']) === '0'));
  const transient = status === undefined || status === 500 || status === 502 || status === 503 || status === 504;
  if (!rateLimited && !transient) return undefined;

  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return checked(retryAfter * 1000, policy);
  const reset = Number(headers['x-ratelimit-reset']);
  if (rateLimited && String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) return checked(reset * 1000 - Date.now() + 1000, policy);
  // GitHub asks for at least a minute after a secondary limit with no Retry-After; more than we wait.
  if (rateLimited && status === 403) return checked(60_000, policy);
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

function checked(ms: number, policy: RequestPolicy): number | undefined {
  return ms > policy.maxDelayMs ? undefined : Math.max(0, ms);
}
