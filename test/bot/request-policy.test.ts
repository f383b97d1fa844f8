import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/core';
import { RateLimited, requestPolicyPlugin, retryDelay, UncertainWrite, type RequestPolicy } from '@premortem/bot';
import { closedPort } from '../stats/loopback-port.js';

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

// Against a server that does the worst things a network does, with an authenticated client, as the
// bot's are (an auth hook sits between the policy and the request).
describe('requestPolicyPlugin when the network fails', () => {
  let server: Server;
  let baseUrl: string;
  let behave: (request: IncomingMessage, response: ServerResponse) => void = () => {};
  const arrived: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      arrived.push(`${request.method} ${request.url}`);
      behave(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const fast: RequestPolicy = { writeIntervalMs: 0, retries: 2, baseDelayMs: 5, maxDelayMs: 1000, timeoutMs: 300 };
  const client = () => new (Octokit.plugin(requestPolicyPlugin(fast, () => 0.5)))({ baseUrl, auth: 'ghs_token', log: { debug() {}, info() {}, warn() {}, error() {} } });
  const ok = (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  };

  it('cuts a read that never answers off at the deadline, and tries again', async () => {
    arrived.length = 0;
    let calls = 0;
    behave = (_request, response) => (calls++ === 0 ? undefined : ok(response));
    await expect(client().request('GET /slow')).resolves.toMatchObject({ status: 200 });
    expect(arrived).toEqual(['GET /slow', 'GET /slow']);
  });

  it('does not send again a POST whose answer never came, nor one whose connection dropped: it may have been applied', async () => {
    for (const failure of ['hang', 'reset'] as const) {
      arrived.length = 0;
      behave = (request) => (failure === 'reset' ? request.socket.destroy() : undefined);
      const attempt = client().request('POST /repos/o/r/check-runs', { name: 'x' });
      await expect(attempt).rejects.toBeInstanceOf(UncertainWrite);
      expect(arrived).toEqual(['POST /repos/o/r/check-runs']);
    }
  });

  it('sends again a POST that never left (connection refused), and a PATCH whose connection dropped', async () => {
    const refused = new (Octokit.plugin(requestPolicyPlugin(fast, () => 0.5)))({ baseUrl: `http://127.0.0.1:${await closedPort()}`, auth: 'ghs_token', log: { debug() {}, info() {}, warn() {}, error() {} } });
    await expect(refused.request('POST /x')).rejects.toMatchObject({ status: 500 });
    arrived.length = 0;
    let calls = 0;
    behave = (request, response) => (calls++ === 0 ? request.socket.destroy() : ok(response));
    await expect(client().request('PATCH /repos/o/r/issues/comments/1', { body: 'x' })).resolves.toMatchObject({ status: 200 });
    expect(arrived).toEqual(['PATCH /repos/o/r/issues/comments/1', 'PATCH /repos/o/r/issues/comments/1']);
  });

  it('fails a request with RateLimited when GitHub asks for a longer wait than the policy holds', async () => {
    behave = (_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '120' });
      response.end('{"message":"rate limited"}');
    };
    const failure = await client().request('GET /limited').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RateLimited);
    expect((failure as RateLimited).retryAt).toBeGreaterThan(Date.now() + 100_000);
  });
});
