import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookServer, DEFAULT_WEBHOOK_LIMITS, type RunningBot } from '@premortem/bot';
import { createHarness, SECRET, sha, startBot, type Harness } from './support/bot-harness.js';
import { signWebhook } from './support/webhooks.js';

// The webhook front judged request by request: what it refuses, from the headers alone where it can.
let harness: Harness;
let bot: RunningBot;
beforeAll(async () => {
  harness = await createHarness();
  bot = await startBot(harness, path.join(harness.work, 'front'));
});
afterAll(async () => {
  await bot?.stop();
  await harness?.close();
});

async function post(body: string, headers: Record<string, string>, url = bot.url, method = 'POST'): Promise<{ status: number; message: string }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, message: (JSON.parse(text) as { message: string }).message };
}
const delivery = (event = 'pull_request') => ({ 'x-github-event': event, 'x-github-delivery': 'd-1' });

describe('the webhook server', () => {
  it('answers the probes: alive and ready, to GET only, without a delivery’s headers', async () => {
    const origin = new URL(bot.url).origin;
    const probe = async (pathname: string, method = 'GET') => {
      const response = await fetch(`${origin}${pathname}`, { method });
      return { status: response.status, allow: response.headers.get('allow'), message: (JSON.parse(await response.text()) as { message: string }).message };
    };
    expect(await probe('/healthz')).toEqual({ status: 200, allow: null, message: 'ok' });
    expect(await probe('/readyz')).toEqual({ status: 200, allow: null, message: 'ready' });
    expect(await probe('/readyz', 'POST')).toEqual({ status: 405, allow: 'GET, HEAD', message: 'Probes are GET requests' });
  });

  it('says it is not ready, with the reason, while it should get no new work', async () => {
    let reason: string | undefined;
    const log = { info() {}, warn() {}, error() {} };
    // The probes reach neither Probot nor the app.
    const server = createWebhookServer({ probot: {} as never, app: {} as never, path: '/api/github/webhooks', limits: DEFAULT_WEBHOOK_LIMITS, log, notReady: () => reason });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
      expect((await fetch(url)).status).toBe(200);
      reason = 'draining: the running review may finish, no new webhooks are taken';
      const draining = await fetch(url);
      expect(draining.status).toBe(503);
      expect(draining.headers.get('retry-after')).toBe('5');
      expect(((await draining.json()) as { message: string }).message).toBe(reason);
      expect((await fetch(url.replace('/readyz', '/healthz'))).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes deliveries on its path only, and only as POSTs', async () => {
    expect((await post('{}', delivery(), bot.url.replace('/api/github/webhooks', '/elsewhere'))).status).toBe(404);
    expect((await post('', delivery(), bot.url, 'GET')).status).toBe(405);
  });

  it('refuses what is not a GitHub delivery before reading it', async () => {
    expect(await post('{}', { 'x-github-event': 'ping' })).toMatchObject({ status: 400, message: expect.stringContaining('x-hub-signature-256') as string });
  });

  it('refuses a wrong signature, and says so without echoing anything of the body', async () => {
    const body = JSON.stringify({ secret: 'do-not-echo' });
    const answer = await post(body, { ...delivery(), 'x-hub-signature-256': await signWebhook('not-the-secret', body) });
    expect(answer).toEqual({ status: 401, message: 'Signature does not match' });
  });

  it('answers a signed event it does not review with 200, and skips it', async () => {
    const body = JSON.stringify({ action: 'created', repository: { name: 'calendar', html_url: 'https://github.com/acme/calendar', owner: { login: 'acme' } } });
    expect(await post(body, { ...delivery('issue_comment'), 'x-hub-signature-256': await signWebhook(SECRET, body) })).toEqual({ status: 200, message: 'ok' });
  });

  it('answers a signed payload that is not the shape it expects with 200, queueing nothing', async () => {
    for (const payload of [{ action: 'opened' }, { action: 'opened', repository: { name: 'calendar', html_url: 'x', owner: { login: 'acme' } }, pull_request: { number: 'seven' } }, []]) {
      const body = JSON.stringify(payload);
      expect((await post(body, { ...delivery(), 'x-hub-signature-256': await signWebhook(SECRET, body) })).status).toBe(200);
    }
    await bot.app.idle();
    expect(harness.gh.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('refuses a signed body that is not JSON', async () => {
    const body = 'not json';
    expect(await post(body, { ...delivery(), 'x-hub-signature-256': await signWebhook(SECRET, body) })).toEqual({ status: 400, message: 'The body is not JSON' });
  });

  it('serves its metrics in Prometheus format, counting deliveries by outcome', async () => {
    const metrics = async () => {
      const response = await fetch(`${new URL(bot.url).origin}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.text();
    };
    const skipped = (text: string) => Number(/^premortem_deliveries_total\{outcome="skipped"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    const before = skipped(await metrics());
    const body = JSON.stringify({ action: 'created', repository: { name: 'calendar', html_url: 'https://github.com/acme/calendar', owner: { login: 'acme' } } });
    expect((await post(body, { ...delivery('issue_comment'), 'x-hub-signature-256': await signWebhook(SECRET, body) })).status).toBe(200);
    const after = await metrics();
    expect(skipped(after)).toBe(before + 1);
    expect(after).toMatch(/^premortem_queue_jobs\{state="waiting"\} \d+$/m);
    expect(after).toMatch(/^# TYPE premortem_analysis_seconds histogram$/m);
  });

  it('reports the embedded queue’s jobs as the workers do: their wait, their duration by outcome, their analyses', async () => {
    const count = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const metrics = async () => (await fetch(`${new URL(bot.url).origin}/metrics`)).text();
    const before = await metrics();
    await harness.openPull(61, sha('6'), 'fixed');
    expect(await harness.deliver(bot.url, 61, sha('6'))).toBe(200);
    await bot.app.idle();
    const after = await metrics();
    expect(harness.gh.state.checkRuns.filter((run) => run.head_sha === sha('6')).map((run) => run.conclusion)).toEqual(['success']);
    expect(count(after, 'premortem_job_wait_seconds_count') - count(before, 'premortem_job_wait_seconds_count')).toBe(1);
    expect(count(after, 'premortem_job_duration_seconds_count{outcome="done"}') - count(before, 'premortem_job_duration_seconds_count{outcome="done"}')).toBe(1);
    expect(count(after, 'premortem_analysis_seconds_count{side="head"}') - count(before, 'premortem_analysis_seconds_count{side="head"}')).toBe(1);
    expect(count(after, 'premortem_deliveries_total{outcome="queued"}') - count(before, 'premortem_deliveries_total{outcome="queued"}')).toBe(1);
  });

  it('answers 503 when the review cannot be queued (Redis away), so GitHub marks the delivery failed', async () => {
    const log = { info() {}, warn() {}, error() {} };
    const probot = { webhooks: { verify: () => Promise.resolve(true) } };
    const app = { receive: () => Promise.reject(new Error('Connection is closed.')) };
    const server = createWebhookServer({ probot: probot as never, app: app as never, path: '/api/github/webhooks', limits: DEFAULT_WEBHOOK_LIMITS, log });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
      expect(await post('{}', { ...delivery(), 'x-hub-signature-256': 'sha256=0' }, url)).toEqual({ status: 503, message: 'Could not queue the review: try again' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
