import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';
import { createTypedRuleTester, eslintRule } from '../support/rule-tester.js';

const rule = eslintRule('no-unbounded-retry');
const ruleTester = createTypedRuleTester();

// Libraries are imported but not installed, as in a fresh checkout: the rule reads their import.
const prelude = `declare function call(): Promise<string>;
declare function sleep(ms: number): Promise<void>;
declare function log(...args: unknown[]): void;
`;
const code = (body: string) => prelude + body;
const line = (n: number) => 3 + n;

ruleTester.run('no-unbounded-retry', rule, {
  valid: [
    {
      name: 'a counted loop over a collection whose catch continues is not a retry',
      code: code(`declare const items: string[];
export async function firstReachable() {
  for (let i = 0; i < items.length; i++) {
    let res: Response;
    try {
      res = await fetch(items[i]!);
    } catch {
      continue;
    }
    if (res.ok) return res;
  }
  return undefined;
}
`),
    },
    {
      name: 'bounded loop with exponential backoff and full jitter',
      code: code(`export async function get() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await call();
    } catch (error) {
      log(error);
      await sleep(Math.random() * Math.min(10_000, 100 * 2 ** attempt));
    }
  }
  throw new Error('gave up');
}`),
    },
    {
      name: 'pagination loop: no try/catch',
      code: code(`declare function page(cursor?: string): Promise<{ items: string[]; next?: string }>;
export async function all() {
  const items: string[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor);
    items.push(...result.items);
    cursor = result.next;
  } while (cursor);
  return items;
}`),
    },
    {
      name: 'queue consumer that logs failures and moves on, waiting between jobs',
      code: code(`declare const queue: { next(): Promise<string> };
let stopped = false;
export async function consume() {
  while (!stopped) {
    try {
      log(await queue.next());
    } catch (error) {
      log('job failed', error);
    }
    await sleep(1000);
  }
}`),
    },
    {
      name: 'a loop whose catch rethrows does not retry',
      code: code(`export async function once() {
  while (true) {
    try {
      return await call();
    } catch (error) {
      throw error;
    }
  }
}`),
    },
    {
      name: 'for (;;) whose catch gives up once the attempts or the backoff run out',
      code: code(`declare function delayFor(error: unknown, attempt: number): number | undefined;
export async function get(retries: number) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = delayFor(error, attempt);
      if (delay === undefined || attempt >= retries) throw error;
      await sleep(delay * (0.5 + Math.random()));
    }
  }
}`),
    },
    {
      name: 'p-retry with a few retries (library backoff)',
      code: code(`import pRetry from 'p-retry';
export const run = () => pRetry(call, { retries: 3, randomize: true });`),
    },
    {
      name: 'p-retry defaults: 10 retries with exponential backoff',
      code: code(`import pRetry from 'p-retry';
export const run = () => pRetry(call);`),
    },
    {
      name: 'axios-retry with exponential delay',
      code: code(`import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: axiosRetry.exponentialDelay });`),
    },
    {
      name: 'TanStack Query: default retries and a bounded function',
      code: code(`import { QueryClient } from '@tanstack/react-query';
export const client = new QueryClient({ defaultOptions: { queries: { retry: (count: number) => count < 3, staleTime: 60_000 }, mutations: { retry: false } } });`),
    },
    {
      name: 'cockatiel with maxAttempts and exponential backoff',
      code: code(`import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
export const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });`),
    },
    {
      name: 'recursion bounded by a parameter, with a wait',
      code: code(`export async function fetchWithRetry(attempt = 0): Promise<string> {
  try {
    return await call();
  } catch (error) {
    if (attempt >= 3) throw error;
    await sleep(Math.random() * 200 * 2 ** attempt);
    return fetchWithRetry(attempt + 1);
  }
}`),
    },
    {
      name: 'plain recursion outside any catch is a tree walk, not a retry',
      code: code(`interface Node { children: Node[] }
export function count(node: Node): number {
  let total = 1;
  for (const child of node.children) total += count(child);
  return total;
}
export async function load(id: string): Promise<void> {
  try {
    await fetch('/api/' + id);
  } catch {
    console.error('failed', id);
  }
  return load(id + '/next');
}`),
    },
    {
      name: 'SWR with errorRetryCount',
      code: code(`import useSWR from 'swr';
export function useMe() {
  return useSWR('/api/me', (url: string) => fetch(url).then((r) => r.json()), { errorRetryCount: 3 });
}`),
    },
    {
      name: 'a property named retry outside any retry library',
      code: code(`export const settings = { retry: true, label: 'x' };`),
    },
  ],
  invalid: [
    {
      name: 'a catch that continues while success leaves after the try: a retry with no backoff',
      code: code(`export async function get(url: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    let res: Response;
    try {
      res = await fetch(url);
    } catch {
      continue;
    }
    if (res.ok) return res;
  }
  throw new Error('unreachable');
}
`),
      errors: [{ messageId: 'noBackoff', line: line(2) }],
    },
    {
      name: 'while (true) that retries at once',
      code: code(`export async function refresh() {
  while (true) {
    try {
      return await call();
    } catch (error) {
      log('retrying', error);
    }
  }
}`),
      errors: [{ messageId: 'unbounded', line: line(2), column: 3 }],
    },
    {
      name: 'for (;;) whose catch gives up only on some errors: no bound on the attempts',
      code: code(`declare function isPermanent(error: unknown): boolean;
export async function get() {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (isPermanent(error) || error === null) throw error;
    }
  }
}`),
      errors: [{ messageId: 'unbounded', line: line(3), column: 3 }],
    },
    {
      name: 'counted loop with a constant wait',
      code: code(`export async function get() {
  for (let i = 0; i < 5; i++) {
    try {
      return await call();
    } catch {
      await sleep(1000);
    }
  }
}`),
      errors: [{ messageId: 'noBackoff', line: line(2), data: { what: 'This `for (…; i < 5; …)` loop', attempts: 'up to 5 attempts', delay: 'the same wait (`sleep(1000)`)' } }],
    },
    {
      name: 'a done flag and continue in the catch, backoff without jitter',
      code: code(`export async function sync() {
  let done = false;
  let attempt = 0;
  while (!done && attempt < 4) {
    try {
      await call();
      done = true;
    } catch {
      attempt++;
      await sleep(500 * 2 ** attempt);
      continue;
    }
  }
}`),
      errors: [{ messageId: 'noJitter', line: line(4) }],
    },
    {
      name: 'retrying a 401',
      code: code(`export async function get() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) {
        log('token expired, trying again');
      }
      await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
}`),
      errors: [{ messageId: 'permanentFailure', line: line(2) }],
    },
    {
      name: 'recursion from .catch with no limit',
      code: code(`export function poll(): Promise<string> {
  return call().catch(() => poll());
}`),
      errors: [{ messageId: 'unbounded', line: line(2), column: 29 }],
    },
    {
      name: 'axios-retry defaults: 3 retries with no delay',
      code: code(`import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3 });`),
      errors: [{ messageId: 'noBackoff', line: line(3), data: { what: '`axiosRetry` (axios-retry)', attempts: 'up to 4 attempts', delay: 'no wait' } }],
    },
    {
      name: 'p-retry forever',
      code: code(`import pRetry from 'p-retry';
export const run = () => pRetry(call, { retries: Infinity });`),
      errors: [{ messageId: 'unbounded', line: line(2) }],
    },
    {
      name: 'cockatiel without maxAttempts retries forever',
      code: code(`import { handleAll, retry } from 'cockatiel';
export const policy = retry(handleAll, {});`),
      errors: [{ messageId: 'unbounded', line: line(2) }],
    },
    {
      name: 'node retry with forever',
      code: code(`import retry from 'retry';
export const operation = retry.operation({ forever: true });`),
      errors: [{ messageId: 'unbounded', line: line(2) }],
    },
    {
      name: 'TanStack Query retry: true and retryDelay: 0',
      code: code(`import { useQuery } from '@tanstack/react-query';
export function useCalendars() {
  const a = useQuery({ queryKey: ['a'], queryFn: call, retry: true });
  const b = useQuery({ queryKey: ['b'], queryFn: call, retry: 5, retryDelay: 0 });
  const c = useQuery({ queryKey: ['c'], queryFn: call, retry: 50 });
  return [a, b, c];
}`),
      errors: [
        { messageId: 'unbounded', line: line(3), column: 56 },
        { messageId: 'noBackoff', line: line(4), column: 56 },
        { messageId: 'tooManyAttempts', line: line(5), column: 56 },
      ],
    },
    {
      name: 'an effect that refetches whenever the last attempt failed',
      code: code(`import { useEffect } from 'react';
declare function useData(): { error: unknown; refetch(): void };
export function useAlwaysData() {
  const { error, refetch } = useData();
  useEffect(() => {
    if (error) refetch();
  }, [error, refetch]);
}`),
      errors: [{ messageId: 'unbounded', line: line(6), column: 16 }],
    },
    {
      name: 'Octokit throttling that always retries',
      code: code(`import { Octokit } from '@octokit/rest';
export const octokit = new Octokit({
  throttle: {
    onRateLimit: () => true,
    onSecondaryRateLimit: () => {
      return true;
    },
  },
});`),
      errors: [
        { messageId: 'unbounded', line: line(4) },
        { messageId: 'unbounded', line: line(5) },
      ],
    },
  ],
});

// Each exemption below sits next to its unsafe twin, which is still reported.

ruleTester.run('no-unbounded-retry: a retry is a repeat after a failure, not a poll', rule, {
  valid: [
    {
      name: 'a poll that leaves only once the data it waits for is there goes round on success too',
      code: code(`export async function resolveSent(id: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const matching = (await call()).split(',').filter((row) => row === id);
      if (matching.length === 1) return matching[0];
      if (matching.length > 1) return null;
    } catch {}
    await sleep(500);
  }
  return null;
}`),
    },
    {
      name: 'a poll that waits before every attempt, the first included, until a result appears',
      code: code(`declare function readResult(code: string): Promise<string | null>;
export async function waitForResult(code: string) {
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      const result = await readResult(code);
      lastError = undefined;
      if (result) return result;
    } catch (error) {
      lastError = error;
    }
  }
  if (lastError) throw lastError;
  return null;
}`),
    },
    {
      name: 'falling back through a list of alternatives (models, mirrors) is a walk over a collection',
      code: code(`declare const models: string[];
declare function generate(model: string): Promise<string>;
export async function generateWithFallback() {
  for (let index = 0; index < models.length; index++) {
    const model = models[index]!;
    try {
      return await generate(model);
    } catch (error) {
      log('model failed, trying the next one', model, error);
    }
  }
  throw new Error('every model failed');
}`),
    },
    {
      name: 'a queue drain leaves when the queue is empty: each turn handles a different job',
      code: code(`declare const queue: { pop(): Promise<string | undefined> };
export async function drain() {
  while (true) {
    try {
      const job = await queue.pop();
      if (!job) break;
      log(await fetch('/jobs/' + job));
    } catch (error) {
      log('job failed', error);
    }
  }
}`),
    },
    {
      name: 'a scan over a string that tries to parse from each brace',
      code: code(`export function firstJson(text: string): unknown {
  let position = text.indexOf('{');
  while (position >= 0 && position < text.length) {
    try {
      return JSON.parse(text.slice(position));
    } catch {
      position = text.indexOf('{', position + 1);
    }
  }
  return undefined;
}`),
    },
    {
      name: 'a readiness poll bounded by a time budget, at a fixed interval',
      code: code(`export async function waitUntilReady(timeoutMs: number) {
  const startedAt = Date.now();
  while (Date.now() - startedAt < timeoutMs) {
    try {
      await call();
      return;
    } catch {
      await sleep(1000);
    }
  }
  throw new Error('not ready in time');
}`),
    },
  ],
  invalid: [
    {
      name: 'the same loop leaving as soon as it has a result: an empty result or an error goes round, a retry',
      code: code(`export async function token() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const value = await call();
      if (value) return value;
    } catch {}
    await sleep(500);
  }
  return null;
}`),
      errors: [{ messageId: 'noBackoff', line: line(2) }],
    },
    {
      name: 'a retry that waits before each retry only, and leaves on a good response',
      code: code(`export async function send(url: string) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const response = await fetch(url, { method: 'POST' });
      if (response.ok) return;
    } catch (error) {
      log(error);
    }
  }
}`),
      errors: [{ messageId: 'noBackoff', line: line(2) }],
    },
    {
      name: 'the same alternatives retried by a count, reading one of them: a retry',
      code: code(`declare const models: string[];
declare function generate(model: string): Promise<string>;
export async function generateWithRetry() {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await generate(models[0]!);
    } catch (error) {
      log('model failed', error);
    }
  }
  throw new Error('the model failed');
}`),
      errors: [{ messageId: 'noBackoff', line: line(4) }],
    },
    {
      name: 'a time budget with no wait at all is a busy loop',
      code: code(`export async function waitUntilReady(timeoutMs: number) {
  const startedAt = Date.now();
  while (Date.now() - startedAt < timeoutMs) {
    try {
      await call();
      return;
    } catch {
      log('not ready');
    }
  }
  throw new Error('not ready in time');
}`),
      errors: [{ messageId: 'noBackoff', line: line(3) }],
    },
  ],
});

ruleTester.run('no-unbounded-retry: bounds the code states another way', rule, {
  valid: [
    {
      name: 'if (attempt < max) { wait; continue } throw: bounded by the guard',
      code: code(`export async function get() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt < 3) {
        await sleep(Math.random() * 100 * 2 ** attempt);
        continue;
      }
      throw error;
    }
  }
}`),
    },
    {
      name: 'the same guard after the try',
      code: code(`export async function get() {
  let attempt = 0;
  let last: unknown;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      last = error;
    }
    if (attempt++ < 3) {
      await sleep(Math.random() * 100 * 2 ** attempt);
      continue;
    }
    throw last;
  }
}`),
    },
    {
      name: 'a single retry needs no backoff',
      code: code(`export async function get() {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return await call();
    } catch (error) {
      log(error);
    }
  }
  return undefined;
}`),
    },
    {
      name: 'p-retry with retries from a destructuring default and the wait in onFailedAttempt',
      code: code(`import pRetry from 'p-retry';
export function withRetry(operation: () => Promise<string>, options: { maxRetries?: number }) {
  const { maxRetries = 3 } = options;
  return pRetry(operation, {
    retries: maxRetries,
    minTimeout: 0,
    onFailedAttempt: async (error) => {
      await sleep(Math.random() * 2000 * 2 ** error.attemptNumber);
    },
  });
}`),
    },
    {
      name: 'a backoff computed by a helper the rule cannot read is not judged',
      code: code(`declare function backoffFor(attempt: number): number;
export async function get() {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await call();
    } catch {
      await sleep(backoffFor(attempt));
    }
  }
  return undefined;
}`),
    },
    {
      name: 'a linear backoff without jitter (100, 200, 300 ms) is not held to the jitter advice',
      code: code(`export async function get(delayMs = 100) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt === 3) throw error;
      const backoff = delayMs * attempt;
      await sleep(backoff);
    }
  }
  return undefined;
}`),
    },
    {
      name: 'a jittered wait read from a constant object, whatever else the object holds',
      code: code(`const CONFIG = { retry: { baseMs: 500 }, seed: 'random' } as const;
export async function get() {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await call();
    } catch {
      await sleep(Math.random() * CONFIG.retry.baseMs * 2 ** attempt);
    }
  }
  return undefined;
}`),
    },
    {
      name: 'exponential-backoff run inside a loop is no pause of the loop',
      code: code(`import { backOff } from 'exponential-backoff';
export async function get() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await call();
    } catch (error) {
      log(error);
      await backOff(() => call());
      await sleep(Math.random() * 250 * 2 ** attempt);
    }
  }
  return undefined;
}`),
    },
  ],
  invalid: [
    {
      name: 'the guard goes round on a condition that is no count: no attempt limit',
      code: code(`declare function isRetryable(error: unknown): boolean;
export async function get() {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (isRetryable(error)) {
        await sleep(Math.random() * 100);
        continue;
      }
      throw error;
    }
  }
}`),
      errors: [{ messageId: 'unbounded', line: line(3) }],
    },
    {
      name: 'a comparison of a value the loop does not count (a status) is no bound',
      code: code(`export async function get() {
  while (true) {
    try {
      const res = await fetch('/api');
      if (res.status >= 500) throw new Error(String(res.status));
      return res;
    } catch (error) {
      log(error);
    }
  }
}`),
      errors: [{ messageId: 'unbounded', line: line(2) }],
    },
    {
      name: 'two retries with no wait',
      code: code(`export async function get() {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await call();
    } catch (error) {
      log(error);
    }
  }
  return undefined;
}`),
      errors: [{ messageId: 'noBackoff', line: line(2), data: { what: 'This `for (…; attempt <= 3; …)` loop', attempts: 'up to 3 attempts', delay: 'no wait' } }],
    },
    {
      name: 'p-retry with minTimeout: 0 and no wait of its own',
      code: code(`import pRetry from 'p-retry';
export function withRetry(operation: () => Promise<string>, options: { maxRetries?: number }) {
  const { maxRetries = 3 } = options;
  return pRetry(operation, { retries: maxRetries, minTimeout: 0 });
}`),
      errors: [{ messageId: 'noBackoff', line: line(4), data: { what: '`pRetry` (p-retry)', attempts: 'up to 4 attempts', delay: 'no wait' } }],
    },
    {
      name: "an exponential wait from a constant object: other properties' words do not count as jitter",
      code: code(`const CONFIG = { retry: { baseMs: 500 }, seed: 'random' } as const;
export async function get() {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await call();
    } catch {
      await sleep(CONFIG.retry.baseMs * 2 ** attempt);
    }
  }
  return undefined;
}`),
      errors: [{ messageId: 'noJitter', line: line(3) }],
    },
    {
      name: 'a backoff helper the project defines without randomness',
      code: code(`function backoffFor(attempt: number) {
  return 100 * 2 ** attempt;
}
export async function get() {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await call();
    } catch {
      await sleep(backoffFor(attempt));
    }
  }
  return undefined;
}`),
      errors: [{ messageId: 'noJitter', line: line(5) }],
    },
  ],
});

ruleTester.run('no-unbounded-retry: a lost race is retried at once on purpose', rule, {
  valid: [
    {
      name: 'a unique-constraint race retried at once',
      code: code(`declare function isUniqueViolation(error: unknown): boolean;
export async function createSlug() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error('no free slug');
}`),
    },
    {
      name: 'a compare-and-swap write that matched no row, tried again at once',
      code: code(`declare const db: { read(): Promise<number>; updateMany(args: unknown): Promise<{ count: number }> };
export async function bump() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const version = await db.read();
      const updated = await db.updateMany({ where: { version }, data: { version: version + 1 } });
      if (updated.count === 1) return;
    } catch (error) {
      log(error);
    }
  }
  throw new Error('lost the race three times');
}`),
    },
    {
      name: 'a unique name searched for with a suffix that advances on each conflict, many times',
      code: code(`declare function isUniqueConstraintViolation(error: unknown): boolean;
declare function createCopy(name: string): Promise<string>;
export async function duplicate(name: string) {
  for (let attempt = 1; attempt <= 50; attempt++) {
    try {
      return await createCopy(name + ' (copy ' + attempt + ')');
    } catch (error) {
      if (isUniqueConstraintViolation(error)) continue;
      throw error;
    }
  }
  throw new Error('no free name');
}`),
    },
    {
      name: 'a deadlock retried with a short linear wait and no jitter',
      code: code(`declare function isDeadlock(error: unknown): boolean;
export async function write() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 3 || !isDeadlock(error)) throw error;
      await sleep(attempt * 25);
    }
  }
}`),
    },
  ],
  invalid: [
    {
      name: 'the same loop retrying every error at once',
      code: code(`export async function createSlug() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await call();
    } catch (error) {
      log(error);
    }
  }
  throw new Error('no free slug');
}`),
      errors: [{ messageId: 'noBackoff', line: line(2) }],
    },
    {
      name: 'a catch that names a conflict but retries every error (nothing rethrown) is no conflict retry',
      code: code(`declare function isUniqueConstraintViolation(error: unknown): boolean;
export async function create() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (isUniqueConstraintViolation(error)) log('conflict');
    }
  }
  return undefined;
}`),
      errors: [{ messageId: 'noBackoff', line: line(3) }],
    },
    {
      name: 'a race retried with no limit is still unbounded',
      code: code(`declare function isDeadlock(error: unknown): boolean;
export async function write() {
  while (true) {
    try {
      return await call();
    } catch (error) {
      if (!isDeadlock(error)) throw error;
    }
  }
}`),
      errors: [{ messageId: 'unbounded', line: line(3) }],
    },
  ],
});

ruleTester.run('no-unbounded-retry: library defaults are judged where they are set', rule, {
  valid: [
    {
      name: "a useSWR hook on SWR's default retry (no count, exponential backoff with jitter) is not reported per call",
      code: code(`import useSWR from 'swr';
export function useMe() {
  return useSWR('/api/me', (url: string) => fetch(url).then((r) => r.json()));
}`),
    },
    {
      name: 'an onError that only logs',
      code: code(`import useSWR from 'swr';
declare const fetcher: (url: string) => Promise<unknown>;
export function useMe() {
  return useSWR('/api/me', fetcher, { onError: (error) => console.error('me failed', error) });
}`),
    },
    {
      name: 'an onError with an effect under a count',
      code: code(`import useSWR from 'swr';
declare const toast: { error(message: string): void };
declare const fetcher: (url: string) => Promise<unknown>;
export function useMe() {
  return useSWR('/api/me', fetcher, { errorRetryCount: 3, onError: () => toast.error('Could not load your profile') });
}`),
    },
    {
      name: 'a QueryClient whose retry stops on client errors',
      code: code(`import { QueryClient } from '@tanstack/react-query';
export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: (count: number, error: { status?: number }) => count < 3 && !(error.status && error.status < 500) } },
});`),
    },
    {
      name: 'a QueryClient with options the rule cannot read whole',
      code: code(`import { QueryClient, type QueryClientConfig } from '@tanstack/react-query';
declare const shared: QueryClientConfig;
export const queryClient = new QueryClient({ ...shared });`),
    },
  ],
  invalid: [
    {
      name: 'an onError that shows a toast on every failed attempt of an unlimited retry',
      code: code(`import useSWR from 'swr';
declare const toast: { error(message: string): void };
declare const fetcher: (url: string) => Promise<unknown>;
export function useMe() {
  return useSWR('/api/me', fetcher, {
    onError: (error) => {
      console.error(error);
      toast.error('Could not load your profile');
    },
  });
}`),
      errors: [{ messageId: 'repeatsOnError', line: line(5), column: 10, data: { what: 'This `useSWR(…)` hook', effect: 'toast.error()' } }],
    },
    {
      name: 'errorRetryInterval: 0 retries at once, forever',
      code: code(`import useSWR from 'swr';
declare const fetcher: (url: string) => Promise<unknown>;
export function useMe() {
  return useSWR('/api/me', fetcher, { errorRetryInterval: 0 });
}`),
      errors: [{ messageId: 'unbounded', line: line(4), column: 10 }],
    },
    {
      name: 'the same onError in the SWRConfig value: reported once, there',
      code: code(`import { SWRConfig } from 'swr';
import type { ReactNode } from 'react';
declare const toast: { error(message: string): void };
export function Providers({ children }: { children: ReactNode }) {
  return SWRConfig({ value: { onError: () => toast.error('Something went wrong') }, children });
}
export const element = (children: ReactNode) => <SWRConfig value={{ onError: () => toast.error('Something went wrong') }}>{children}</SWRConfig>;`),
      filename: 'react.tsx',
      errors: [{ messageId: 'repeatsOnError', line: line(7), data: { what: 'This `<SWRConfig>` value', effect: 'toast.error()' } }],
    },
    {
      name: 'a QueryClient built with the default retry, which retries 4xx errors too (the Atoms incident)',
      code: code(`import { QueryClient } from '@tanstack/react-query';
export const queryClient = new QueryClient();
export const configured = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });`),
      errors: [
        { messageId: 'retriesClientErrors', line: line(2), column: 28, data: { what: '`new QueryClient()` (TanStack Query)' } },
        { messageId: 'retriesClientErrors', line: line(3), column: 27 },
      ],
    },
  ],
});

ruleTester.run('no-unbounded-retry: retries inside retries', rule, {
  valid: [
    {
      name: 'a Trigger.dev task that retries work which does not retry by itself',
      code: code(`import { task } from '@trigger.dev/sdk/v3';
export const convert = task({
  id: 'convert',
  retry: { maxAttempts: 3 },
  run: async (payload: { url: string }) => (await fetch(payload.url)).arrayBuffer(),
});`),
    },
  ],
  invalid: [
    {
      name: "retry.fetch inside a Trigger.dev task that retries: the attempts multiply",
      code: code(`import { retry, task } from '@trigger.dev/sdk/v3';
export const convert = task({
  id: 'convert',
  retry: { maxAttempts: 3 },
  run: async (payload: { url: string }) => {
    const response = await retry.fetch(payload.url, {
      method: 'POST',
      retry: { byStatus: { '500-599': { strategy: 'backoff', maxAttempts: 3, factor: 2, minTimeoutInMs: 1_000, randomize: false } } },
    });
    return response.arrayBuffer();
  },
});`),
      errors: [
        {
          messageId: 'amplified',
          line: line(6),
          column: 28,
          data: { call: 'retry.fetch()', inner: 'Trigger.dev', innerAttempts: '3', outer: 'Trigger.dev task `convert`', outerAttempts: '3', total: '9' },
        },
      ],
    },
    {
      name: 'a retry library called inside a hand-written retry',
      code: code(`import pRetry from 'p-retry';
export async function get() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await pRetry(call, { retries: 3 });
    } catch {
      await sleep(Math.random() * 1000 * 2 ** attempt);
    }
  }
  return undefined;
}`),
      errors: [{ messageId: 'amplified', line: line(5), column: 20, data: { call: 'pRetry()', inner: 'p-retry', innerAttempts: '4', outer: 'this `for (…; attempt < 3; …)` loop', outerAttempts: '3', total: '12' } }],
    },
  ],
});

ruleTester.run('no-unbounded-retry: recursion after a failure', rule, {
  valid: [
    {
      name: 'recursive parsing: calling itself on what is left of its input is progress, not a retry',
      code: code(`export function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const rest = text.trim().slice(0, -1);
    return rest ? parseLenient(rest) : undefined;
  }
}`),
    },
    {
      name: 'recursion on retryable statuses with jittered exponential backoff, bounded by a constant object',
      code: code(`const CONFIG = { retry: { max: 3, baseMs: 1000 } } as const;
export async function check(retryCount = 0): Promise<Response | null> {
  const res = await fetch('/license');
  if (res.ok) return res;
  if (retryCount < CONFIG.retry.max && [429, 502, 503, 504].includes(res.status)) {
    await sleep(Math.random() * CONFIG.retry.baseMs * 2 ** retryCount);
    return check(retryCount + 1);
  }
  return null;
}`),
    },
    {
      name: 'recursion on a result that is not a failed response (a tree walk)',
      code: code(`interface Page { next?: string; status: string }
declare function load(cursor?: string): Promise<Page>;
export async function walk(cursor?: string): Promise<void> {
  const page = await load(cursor);
  if (page.status === 'partial' && page.next) return walk(page.next);
}`),
    },
  ],
  invalid: [
    {
      name: 'the same recursion with exponential backoff and no randomness: lockstep retries',
      code: code(`const CONFIG = { retry: { max: 3, baseMs: 1000 } } as const;
export async function check(retryCount = 0): Promise<Response | null> {
  const res = await fetch('/license');
  if (res.ok) return res;
  if (retryCount < CONFIG.retry.max && [429, 502, 503, 504].includes(res.status)) {
    await sleep(CONFIG.retry.baseMs * Math.pow(2, retryCount));
    return check(retryCount + 1);
  }
  return null;
}`),
      errors: [{ messageId: 'noJitter', line: line(7), column: 12 }],
    },
    {
      name: 'calling itself on the same input after a failure: a retry, with no limit',
      code: code(`export async function connect(url: string): Promise<WebSocket> {
  try {
    return new WebSocket(url);
  } catch {
    await sleep(1000);
    return connect(url);
  }
}`),
      errors: [{ messageId: 'unbounded', line: line(6), column: 12 }],
    },
    {
      name: 'recursion on !res.ok with no limit',
      code: code(`export async function get(): Promise<Response> {
  const res = await fetch('/api');
  if (!res.ok) {
    await sleep(1000);
    return get();
  }
  return res;
}`),
      errors: [{ messageId: 'unbounded', line: line(5), column: 12 }],
    },
  ],
});

ruleTester.run('no-unbounded-retry: effects that refetch once', rule, {
  valid: [
    {
      name: 'a ref tested and set on the way to the refetch allows one retry per view',
      code: code(`import { useEffect, useRef } from 'react';
declare function useData(): { error: unknown; refetch(): Promise<void> };
export function useOneRetry(view: string) {
  const { error, refetch } = useData();
  const retried = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (error) {
      if (retried.current === view) return;
      retried.current = view;
      void refetch();
    }
  }, [error, refetch, view]);
}`),
    },
  ],
  invalid: [
    {
      name: 'a ref that is set but never tested does not stop the refetch',
      code: code(`import { useEffect, useRef } from 'react';
declare function useData(): { error: unknown; refetch(): Promise<void> };
export function useEveryFailure() {
  const { error, refetch } = useData();
  const failures = useRef(0);
  useEffect(() => {
    if (error) {
      failures.current++;
      void refetch();
    }
  }, [error, refetch]);
}`),
      errors: [{ messageId: 'unbounded', line: line(9) }],
    },
  ],
});

describe('retry amplification across files', () => {
  const definition = rules.find((r) => r.name === 'no-unbounded-retry')!;
  it('reports a retrying function called inside another retry, and a Google API call inside an app retry', () => {
    const files = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true }, include: ['src'] }),
      'src/http.ts': `declare function sleep(ms: number): Promise<void>;
export async function fetchWithRetry(url: string): Promise<Response> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
  throw new Error('unreachable');
}
`,
      'src/sync.ts': `import pRetry from 'p-retry';
import { google } from 'googleapis';
import { fetchWithRetry } from './http';
declare function sleep(ms: number): Promise<void>;
const calendar = google.calendar({ version: 'v3' });
export const syncAll = () => pRetry(() => fetchWithRetry('/sync'), { retries: 5, randomize: true }); // expect
export async function listEvents(calendarId: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await calendar.events.list({ calendarId }); // expect
    } catch {
      await sleep(Math.random() * 1000 * 2 ** attempt);
    }
  }
  return undefined;
}
// gaxios does not retry POST: an insert in a bounded loop is retried only by the loop.
export async function addEvent(calendarId: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await calendar.events.insert({ calendarId });
    } catch {
      await sleep(Math.random() * 1000 * 2 ** attempt);
    }
  }
  return undefined;
}
`,
    };
    const { findings, dir } = analyzeProject(definition, files);
    expect(findings.map((f) => `${path.relative(dir, f.file)}:${f.line} ${f.message.split(' (')[0]}`)).toEqual([
      'src/sync.ts:6 `fetchWithRetry()` retries by itself',
      'src/sync.ts:10 `calendar.events.list()` retries by itself',
    ]);
    expect(findings[0]!.message).toContain('up to 3 attempts) and is called inside `pRetry` (up to 6 attempts): up to 18 attempts');
    expect(findings[1]!.message).toContain("Google's API client: up to 4 attempts");
  });

  it('multiplies work run by a cockatiel policy declared in another file, and stays quiet when that work does not retry', () => {
    const files = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', noEmit: true } }),
      'src/policies.ts': `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';
export const policy = retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() });
`,
      'src/http.ts': `declare function sleep(ms: number): Promise<void>;
export async function fetchWithRetry(url: string): Promise<Response> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
  throw new Error('unreachable');
}
`,
      'src/use.ts': `import { policy } from './policies';
import { fetchWithRetry } from './http';
export const twice = () => policy.execute(() => fetchWithRetry('/a'));
export const once = () => policy.execute(() => fetch('/b'));
`,
    };
    const { findings, dir } = analyzeProject(definition, files);
    expect(findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`)).toEqual(['src/use.ts:3']);
    expect(findings[0]!.message).toContain('is called inside `policy.execute` (up to 3 attempts): up to 9 attempts');
  });
});
