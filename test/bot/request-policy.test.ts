import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/core';
import { requestPolicyPlugin, retryDelay, type RequestPolicy } from '@premortem/bot';

const policy: RequestPolicy = { writeIntervalMs: 200, retries: 3, baseDelayMs: 20, maxDelayMs: 2000, timeoutMs: 2000 };
const error = (status: number | undefined, headers: Record<string, string> = {}, message = 'failed') => ({ status, message, response: { headers } });

describe('retryDelay', () => {
  const half = () => 0.5;
  it('backs off exponentially with full jitter on 5xx and network errors', () => {
    expect([0, 1, 2].map((attempt) => retryDelay(error(502), attempt, policy, half))).toEqual([10, 20, 40]);
    expect(retryDelay(error(undefined), 0, policy, () => 0.99)).toBeCloseTo(19.8);
  });
  it('honours Retry-After, and gives up when it asks for longer than the policy waits', () => {
    expect(retryDelay(error(429, { 'retry-after': '1' }), 0, policy, half)).toBe(1000);
    expect(retryDelay(error(429, { 'retry-after': '3600' }), 0, policy, half)).toBeUndefined();
    expect(retryDelay(error(403, { 'retry-after': '2' }, 'You have exceeded a secondary rate limit'), 0, policy, half)).toBe(2000);
  });
  it('never retries what retrying cannot fix', () => {
    for (const status of [400, 401, 403, 404, 422]) expect(retryDelay(error(status), 0, policy, half)).toBeUndefined();
  });
});

// The plugin on a real Octokit against a loopback server that fails on purpose.
describe('requestPolicyPlugin', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ method: string; at: number }> = [];
  let failures: number[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ method: request.method ?? '', at: Date.now() });
      const status = failures.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      response.end(JSON.stringify(status === 200 ? { ok: true } : { message: 'nope' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // When each request leaves the client: what the pacing governs (arrival times carry network jitter).
  const dispatched: Array<{ method: string; at: number }> = [];
  const recordingFetch = (url: string | URL | Request, init?: RequestInit) => {
    dispatched.push({ method: init?.method ?? 'GET', at: performance.now() });
    return fetch(url, init);
  };
  const client = () =>
    new (Octokit.plugin(requestPolicyPlugin(policy, () => 0.5)))({ baseUrl, request: { fetch: recordingFetch }, log: { debug() {}, info() {}, warn() {}, error() {} } });

  it('survives 502 and 429 within its bound, and fails after it', async () => {
    seen.length = 0;
    failures = [502, 429];
    await expect(client().request('GET /ok')).resolves.toMatchObject({ status: 200 });
    expect(seen).toHaveLength(3);

    seen.length = 0;
    failures = [502, 502, 502, 502, 502];
    await expect(client().request('GET /down')).rejects.toMatchObject({ status: 502 });
    expect(seen).toHaveLength(4); // the first try and three retries, no more
    failures = [];
  });

  it('spaces writes by the policy interval, and leaves reads alone', async () => {
    dispatched.length = 0;
    const octokit = client();
    await Promise.all([octokit.request('POST /a'), octokit.request('POST /b'), octokit.request('PATCH /c'), octokit.request('GET /d')]);
    const writes = dispatched.filter((request) => request.method !== 'GET').map((request) => request.at);
    expect(writes).toHaveLength(3);
    // Released a full interval apart; the client's own work after release varies by a few ms per
    // request, hence the slack. Unpaced, they would leave within a millisecond or two of each other.
    for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(policy.writeIntervalMs * 0.8);
    // The read did not wait behind them.
    expect(dispatched.findIndex((request) => request.method === 'GET')).toBeLessThan(dispatched.length - 1);
  });
});
