import { setTimeout as sleep } from 'node:timers/promises';
import type { Octokit } from '@octokit/core';
import { githubRateLimitRemaining } from '../metrics.js';

export interface RequestPolicy {
  /** Least time between two writes. GitHub's guidance for content-creating requests is one second. */
  writeIntervalMs: number;
  /** Retries after the first attempt, at most. */
  retries: number;
  /** First backoff ceiling; it doubles with each retry, and the wait is drawn at random below it. */
  baseDelayMs: number;
  /** A `Retry-After` or rate-limit reset further away than this fails the request (`RateLimited`) instead of parking the queue. */
  maxDelayMs: number;
  /**
   * Each attempt's deadline, from sending to the last byte of the body. A streamed response (the
   * tarball) is held to it until its headers; its body has the download's own deadline.
   */
  timeoutMs: number;
}

export const DEFAULT_REQUEST_POLICY: RequestPolicy = { writeIntervalMs: 1000, retries: 3, baseDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 30_000 };

interface RequestErrorLike {
  status?: number;
  message?: string;
  name?: string;
  code?: string;
  cause?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Request options the policy reads beyond Octokit's own. */
interface PolicyRequestOptions {
  signal?: AbortSignal;
  /** A write that adds to what is there (a check-run update with annotations): not retried blindly. */
  appends?: boolean;
}

/**
 * A write GitHub may or may not have applied: the connection broke, the attempt timed out, or a
 * 5xx came back, after the request was sent. Retrying it blindly could apply it twice; the caller
 * looks for its effect first (see write-once.ts).
 */
export class UncertainWrite extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`${method} ${url}: no answer from GitHub (${describe(cause)}); it may or may not have been applied.`);
  }
}

/** GitHub asked for a longer wait than the policy holds a request for: try again at `retryAt`. */
export class RateLimited extends Error {
  constructor(
    readonly retryAt: number,
    override readonly cause: unknown,
  ) {
    super(`GitHub's rate limit asks to wait until ${new Date(retryAt).toISOString()} (${describe(cause)}).`);
  }
}

/** Our own per-attempt deadline. */
class AttemptTimedOut extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * An Octokit plugin: a deadline on every attempt, writes paced below GitHub's secondary limits,
 * bounded retries with exponential backoff and full jitter, and `Retry-After` honoured. Reads and
 * idempotent writes are retried; a creating write (POST) or an appending one whose outcome is
 * unknown is not, it fails with `UncertainWrite`. It replaces Probot's retry and throttling plugins,
 * so one policy governs every request. One instance is shared by every Octokit the app creates, so
 * the pacing holds across installations.
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
      const method = options.method.toUpperCase();
      const tokenRequest = /\/access_tokens$/.test(options.url);
      const isWrite = !['GET', 'HEAD'].includes(method) && !tokenRequest;
      const requestOptions = (options.request ?? {}) as PolicyRequestOptions;
      // Creating or appending twice is worse than failing once; tokens are harmless to ask for again.
      const uncertainOnFailure = isWrite && (method === 'POST' || requestOptions.appends === true);
      const callerSignal = requestOptions.signal;
      for (let attempt = 0; attempt <= policy.retries; attempt++) {
        if (isWrite) await paceWrite();
        callerSignal?.throwIfAborted();
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(new AttemptTimedOut(`no complete answer within ${policy.timeoutMs} ms`)), policy.timeoutMs);
        const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
        try {
          // The hook chain is bound to this options object: the signal must go into it, not a copy.
          options.request = { ...options.request, signal };
          const response = await request(options);
          observeRateLimit(response.headers);
          return response;
        } catch (caught) {
          if (callerSignal?.aborted) throw caught;
          // Our deadline shows as an abort; say it was the deadline.
          const failure: unknown = deadline.signal.aborted ? deadline.signal.reason : caught;
          const error = failure as RequestErrorLike;
          observeRateLimit(error.response?.headers);
          if (uncertainOnFailure && mayHaveApplied(error)) throw new UncertainWrite(method, options.url, failure);
          const delay = retryDelay(error, attempt, policy, random);
          if (delay === undefined) {
            const retryAt = rateLimitedUntil(error);
            if (retryAt !== undefined && retryAt - Date.now() > policy.maxDelayMs) throw new RateLimited(retryAt, failure);
            throw failure;
          }
          if (attempt === policy.retries) throw failure;
          octokit.log.warn(`${method} ${options.url} failed (${describe(error)}); retry ${attempt + 1} of ${policy.retries} in ${Math.round(delay)} ms.`);
          await sleep(delay, undefined, callerSignal ? { signal: callerSignal } : undefined);
        } finally {
          clearTimeout(timer);
        }
      }
      throw new Error('unreachable: the last attempt returns or throws');
    });
    return {};
  };
}

/**
 * A write that failed this way may have been applied: no HTTP answer (Octokit reports a broken
 * connection as a 500 with the network error as its cause), our deadline, or a 5xx.
 */
function mayHaveApplied(error: RequestErrorLike): boolean {
  if (refusedBeforeSending(error)) return false;
  return error.status === undefined || error.status >= 500;
}

/** The connection was never made, so nothing was sent. */
function refusedBeforeSending(error: RequestErrorLike): boolean {
  const codes = [error.code, (error.cause as RequestErrorLike | undefined)?.code, ((error.cause as RequestErrorLike | undefined)?.cause as RequestErrorLike | undefined)?.code];
  return codes.some((code) => code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN');
}

/** How long to wait before retrying, or undefined when retrying cannot help (or would wait past the policy's cap). */
/** GitHub's remaining request budget, as its last answer said, for `premortem_github_rate_limit_remaining`. */
function observeRateLimit(headers: Record<string, string | number | undefined> | undefined): void {
  const remaining = Number(headers?.['x-ratelimit-remaining']);
  if (headers?.['x-ratelimit-remaining'] === undefined || !Number.isFinite(remaining)) return;
  githubRateLimitRemaining.set({ resource: String(headers['x-ratelimit-resource'] ?? 'core') }, remaining);
}

export function retryDelay(error: RequestErrorLike, attempt: number, policy: Pick<RequestPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number | undefined {
  const status = error.status;
  const rateLimited = isRateLimited(error);
  const transient = status === undefined || status === 500 || status === 502 || status === 503 || status === 504;
  if (!rateLimited && !transient) return undefined;

  const asked = askedWaitMs(error);
  if (asked !== undefined) return asked > policy.maxDelayMs ? undefined : Math.max(0, asked);
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

function isRateLimited(error: RequestErrorLike): boolean {
  const headers = error.response?.headers ?? {};
  return error.status === 429 || (error.status === 403 && (/secondary rate limit/i.test(error.message ?? '') || String(headers['x-ratelimit-remaining']) === '0'));
}

/** How long GitHub asks to wait: `Retry-After`, the rate limit's reset, or a minute after a secondary limit; undefined when it does not say. */
function askedWaitMs(error: RequestErrorLike): number | undefined {
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  if (!isRateLimited(error)) return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) return reset * 1000 - Date.now() + 1000;
  // GitHub asks for at least a minute after a secondary limit with no Retry-After.
  if (error.status === 403) return 60_000;
  return undefined;
}

/** When a rate-limited request may be tried again; undefined when it was not rate-limited. */
function rateLimitedUntil(error: RequestErrorLike): number | undefined {
  if (!isRateLimited(error)) return undefined;
  const asked = askedWaitMs(error);
  return asked === undefined ? undefined : Date.now() + asked;
}

/** `502`, `ECONNRESET`, `ETIMEDOUT`: what went wrong, in a word. */
function describe(error: unknown): string {
  const like = error as RequestErrorLike | undefined;
  const cause = like?.cause as RequestErrorLike | undefined;
  const network = (cause?.cause as RequestErrorLike | undefined)?.code ?? cause?.code ?? like?.code;
  if (network !== undefined) return network;
  return like?.status !== undefined ? String(like.status) : (like?.message ?? 'network');
}
