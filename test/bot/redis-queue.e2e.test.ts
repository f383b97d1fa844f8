import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createHarness, expectExactlyOnce, repo, SECRET, spawnBot, spawnWorker, until, type BotProcess, type Harness } from './support/bot-harness.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';
import { pullRequestPayload, signWebhook } from './support/webhooks.js';

// The bot as a deployment with workers: the web process (bot/dist/server.js with REDIS_URL) only
// verifies, de-duplicates and enqueues on a real Redis; worker processes (bot/dist/worker.js) take
// the jobs, against the GitHub double on loopback. Whatever happens (a burst, a worker killed with
// -9, a push while an older head is analyzed), every head ends with exactly one completed check,
// at most one review and one summary.
let harness: Harness;
let redis: RedisServer;
let web: BotProcess;
const workers: BotProcess[] = [];
const OTHER_INSTALLATION = 78;

// A worker that dies is noticed within a few seconds here (30 s by default).
const queueEnv = () => ({
  REDIS_URL: redis.url,
  PREMORTEM_JOB_LOCK_MS: '2000',
  PREMORTEM_STALLED_CHECK_MS: '500',
  PREMORTEM_JOB_ATTEMPTS: '2',
  PREMORTEM_JOB_BACKOFF_MS: '200',
  PREMORTEM_INSTALLATION_CONCURRENCY: '1',
  PREMORTEM_DRAIN_MS: '1000',
});
const startWorker = async (name: string) => {
  const worker = await spawnWorker(harness, path.join(harness.work, name), queueEnv());
  workers.push(worker);
  return worker;
};
/** Distinct head SHAs, one per number. */
const headOf = (n: number) => `e${n.toString(16).padStart(4, '0')}`.repeat(8);
const allOutput = () => [web, ...workers].map((process) => process?.output() ?? '').join('\n');
const completedCheck = (head: string) => harness.gh.state.checkRuns.some((run) => run.head_sha === head && run.status === 'completed');

/** Log lines of every process, parsed (pino writes one JSON object per line). */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function signedDelivery(number: number, head: string, options: { installationId?: number; action?: 'opened' | 'synchronize'; updatedAt?: Date } = {}) {
  const payload = pullRequestPayload({
    ...repo,
    installationId: options.installationId ?? repo.installationId,
    number,
    action: options.action ?? 'opened',
    head: { ref: `feature-${number}`, sha: head },
    base: { ref: 'main', sha: BASE },
    ...(options.updatedAt ? { updatedAt: options.updatedAt } : {}),
  });
  const body = JSON.stringify(payload);
  return { body, signature: await signWebhook(SECRET, body) };
}

async function post(delivery: { body: string; signature: string }, id = randomUUID()): Promise<number> {
  const response = await fetch(web.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': id, 'x-hub-signature-256': delivery.signature },
    body: delivery.body,
  });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  [harness, redis] = await Promise.all([createHarness(), startRedisServer()]);
  web = await spawnBot(harness, path.join(harness.work, 'web'), queueEnv());
  await Promise.all([startWorker('worker-1'), startWorker('worker-2')]);
}, 60_000);
afterAll(async () => {
  for (const process of [web, ...workers]) {
    if (process && process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
    await process?.exited;
  }
  await redis?.stop();
  await harness?.close();
});

describe('the bot with a queue on Redis and two worker processes', () => {
  it('drains a burst of 100 signed deliveries for 20 pull requests: each head reviewed exactly once, by both workers, one review per installation at a time', async () => {
    const pulls = Array.from({ length: 20 }, (_, i) => 101 + i);
    for (const [i, number] of pulls.entries()) await harness.openPull(number, headOf(number), i % 2 === 0 ? 'head' : 'fixed');
    // Five deliveries per pull request (its event and four redeliveries), half of them from a second installation, shuffled.
    const installationOf = (number: number) => (number % 2 === 0 ? OTHER_INSTALLATION : repo.installationId);
    const deliveries = await Promise.all(pulls.flatMap((number) => Array.from({ length: 5 }, () => signedDelivery(number, headOf(number), { installationId: installationOf(number) }))));
    deliveries.sort(() => Math.random() - 0.5);
    const statuses = await Promise.all(deliveries.map((delivery) => post(delivery)));
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    await until(() => pulls.every((number) => completedCheck(headOf(number))), 240_000, () => `not every head was reviewed:\n${allOutput().slice(-4000)}`);
    const { gh } = harness;
    // A job's last line ("done") follows its check's completion.
    const doneLines = () => workers.flatMap((worker) => logLines(worker.output())).filter((line) => String(line.msg).endsWith(': done')).length;
    await until(() => doneLines() >= pulls.length, 10_000, () => `${doneLines()} jobs done`);
    for (const [i, number] of pulls.entries()) {
      expectExactlyOnce(gh, number, [headOf(number)]);
      expect(gh.state.checkRuns.filter((run) => run.head_sha === headOf(number)).map((run) => run.conclusion)).toEqual([i % 2 === 0 ? 'failure' : 'success']);
    }
    // 100 deliveries became 20 jobs: the web process said so of each, with the delivery's id as a field.
    const webLines = logLines(web.output()).filter((line) => typeof line.delivery === 'string');
    expect(webLines.filter((line) => / queued$/.test(String(line.msg)))).toHaveLength(20);
    expect(webLines.filter((line) => /not queued, .* already analyzed or queued/.test(String(line.msg)))).toHaveLength(80);

    // Both workers took jobs; each job's lines carry its id.
    const started = workers.map((worker) => logLines(worker.output()).filter((line) => /started \(attempt/.test(String(line.msg))));
    for (const lines of started) expect(lines.length).toBeGreaterThan(0);
    expect(started.flat().map((line) => line.job).sort()).toEqual(pulls.map((number) => `${repo.owner}/${repo.repo}#${number}@${headOf(number)}`).sort());

    // The 20 pull requests share one base commit: each worker analyzed it once, not once per review.
    const baseDownloads = gh.requests.filter((request) => request.path.endsWith(`/tarball/${BASE}`)).length;
    expect(baseDownloads).toBeGreaterThanOrEqual(1);
    expect(baseDownloads).toBeLessThanOrEqual(workers.length);

    // Fairness: with one review per installation at a time, the two installations' reviews ran side by side, never two of one.
    const spans = new Map<string, { installation: number; start: number; end: number }>();
    for (const line of workers.flatMap((worker) => logLines(worker.output()))) {
      if (typeof line.job !== 'string' || !line.job.startsWith(`${repo.owner}/${repo.repo}#1`)) continue;
      const number = Number(/#(\d+)@/.exec(line.job)?.[1]);
      const span = spans.get(line.job) ?? { installation: installationOf(number), start: Infinity, end: -Infinity };
      if (/started \(attempt/.test(String(line.msg))) span.start = Number(line.time);
      if (String(line.msg).endsWith(': done')) span.end = Number(line.time);
      spans.set(line.job, span);
    }
    const overlapping = (installation: number) => {
      const of = [...spans.values()].filter((span) => span.installation === installation).sort((a, b) => a.start - b.start);
      return of.filter((span, i) => i > 0 && span.start < of[i - 1]!.end).length;
    };
    expect(spans.size).toBe(20);
    expect(overlapping(repo.installationId)).toBe(0);
    expect(overlapping(OTHER_INSTALLATION)).toBe(0);
    const all = [...spans.values()].sort((a, b) => a.start - b.start);
    expect(all.some((span, i) => i > 0 && span.start < all[i - 1]!.end)).toBe(true);
    expect(gh.problems).toEqual([]);
  }, 300_000);

  it('kill -9 of a worker mid-job: another takes the job up and finishes the check it left in progress', async () => {
    const { gh } = harness;
    const head = headOf(130);
    await harness.openPull(130, head, 'head');
    // The first download of the head hangs: the job is surely mid-way when its worker is killed.
    gh.failNext({ path: new RegExp(`^/_codeload/.*/${head}$`), effect: 'hang' });
    expect(await post(await signedDelivery(130, head))).toBe(200);
    await until(() => gh.hanging() === 1, 60_000, allOutput);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === head).map((run) => run.status)).toEqual(['in_progress']);
    const holder = workers.find((worker) => worker.output().includes(`"job":"${repo.owner}/${repo.repo}#130@${head}"`));
    expect(holder).toBeDefined();
    process.kill(-holder!.child.pid!, 'SIGKILL');
    await holder!.exited;

    await until(() => completedCheck(head), 60_000, allOutput);
    expectExactlyOnce(gh, 130, [head]);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === head).map((run) => run.conclusion)).toEqual(['failure']);
    // The other worker took it up: its lines for the job say so, ending with the job done.
    const survivor = workers.find((worker) => worker !== holder && worker.child.exitCode === null && worker.child.signalCode === null)!;
    const survivorSays = () => logLines(survivor.output()).filter((line) => line.job === `${repo.owner}/${repo.repo}#130@${head}`).map((line) => String(line.msg));
    await until(() => survivorSays().some((message) => message.endsWith(': done')), 10_000, () => survivorSays().join('\n'));
    expect(survivorSays().some((message) => message.includes('its worker stopped answering'))).toBe(true);
    expect(survivorSays().some((message) => /started \(attempt \d of 2\)/.test(message))).toBe(true);
    expect(gh.problems).toEqual([]);
  }, 120_000);

  it('a push while the older head is analyzed on one worker: the older is stopped and cancelled, the newer reviewed by the other', async () => {
    const { gh } = harness;
    // The worker killed above is replaced, so two take jobs again.
    await startWorker('worker-3');
    const older = headOf(140);
    const newer = headOf(141);
    await harness.openPull(140, older, 'head');
    gh.failNext({ path: new RegExp(`^/_codeload/.*/${older}$`), effect: 'hang' });
    const pushedAt = Date.now();
    expect(await post(await signedDelivery(140, older, { updatedAt: new Date(pushedAt) }))).toBe(200);
    await until(() => gh.hanging() === 1, 60_000, allOutput);

    await harness.push(140, newer, 'fixed');
    expect(await post(await signedDelivery(140, newer, { action: 'synchronize', updatedAt: new Date(pushedAt + 1000) }))).toBe(200);
    await until(() => completedCheck(older) && completedCheck(newer), 60_000, allOutput);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === older).map((run) => [run.conclusion, run.output?.title])).toEqual([['cancelled', 'Superseded by a newer push']]);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === newer).map((run) => run.conclusion)).toEqual(['success']);
    expectExactlyOnce(gh, 140, [older, newer]);
    // Stopped by the message, not by the download's own deadline.
    expect(allOutput()).toContain(`${newer.slice(0, 7)} supersedes ${older.slice(0, 7)}, which is stopped`);
    expect(gh.problems).toEqual([]);
  }, 120_000);

  it('a job that keeps failing is retried with backoff, then dead-lettered: counted in the metrics, and a redelivery says so', async () => {
    const { gh } = harness;
    const head = headOf(150);
    await harness.openPull(150, head, 'head');
    // Every look at the pull request fails: the review cannot start, on any try.
    gh.failNext({ method: 'GET', path: /\/pulls\/150$/, status: 500, times: 1000 });
    expect(await post(await signedDelivery(150, head))).toBe(200);
    await until(() => allOutput().includes('dead-lettered after 2 attempt(s)'), 60_000, allOutput);
    expect(allOutput()).toContain('failed (attempt 1 of 2), retried later');
    expect(gh.state.checkRuns.filter((run) => run.head_sha === head)).toEqual([]);

    const live = workers.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null);
    const metrics = await Promise.all([web.url.replace('/api/github/webhooks', ''), ...live.map((worker) => worker.url)].map(async (url) => (await fetch(`${url}/metrics`)).text()));
    for (const text of metrics) expect(text).toMatch(/^premortem_queue_jobs\{state="failed"\} 1$/m);
    expect(metrics.slice(1).join('\n')).toMatch(/^premortem_job_failures_total\{reason="dead_letter"\} 1$/m);
    expect(metrics.slice(1).join('\n')).toMatch(/^premortem_analysis_seconds_count\{side="head"\} [1-9]/m);
    expect(metrics.slice(1).join('\n')).toMatch(/^premortem_github_rate_limit_remaining\{resource="core"\} \d+/m);
    expect(metrics[0]).toMatch(/^premortem_deliveries_total\{outcome="queued"\} \d+/m);

    expect(await post(await signedDelivery(150, head))).toBe(200);
    await until(() => web.output().includes('failed earlier and is dead-lettered'), 10_000, () => web.output());
  }, 120_000);

  it('SIGTERM on a worker mid-job: after the drain time it hands the job back, another finishes it, and it exits 0', async () => {
    const { gh } = harness;
    const head = headOf(160);
    await harness.openPull(160, head, 'head');
    gh.failNext({ path: new RegExp(`^/_codeload/.*/${head}$`), effect: 'hang' });
    expect(await post(await signedDelivery(160, head))).toBe(200);
    await until(() => gh.hanging() === 1, 60_000, allOutput);
    const job = `${repo.owner}/${repo.repo}#160@${head}`;
    const holder = workers.find((worker) => worker.child.exitCode === null && worker.output().includes(`"job":"${job}"`))!;
    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
    expect(logLines(holder.output()).filter((line) => line.job === job).map((line) => String(line.msg))).toContain(`${job.replace(head, head.slice(0, 7))}: handed back to the queue: this worker is stopping`);

    await until(() => completedCheck(head), 60_000, allOutput);
    expectExactlyOnce(gh, 160, [head]);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === head).map((run) => run.conclusion)).toEqual(['failure']);
    // Handed back, not left to stall: the other worker took it up without waiting for a lapsed lock.
    const other = workers.find((worker) => worker !== holder && worker.child.exitCode === null && worker.child.signalCode === null)!;
    const said = logLines(other.output()).filter((line) => line.job === job).map((line) => String(line.msg));
    expect(said.some((message) => message.includes('its worker stopped answering'))).toBe(false);
    expect(said.some((message) => message.startsWith(`${job.replace(head, head.slice(0, 7))}: started`))).toBe(true);
    expect(gh.problems).toEqual([]);
  }, 120_000);

  it('answers probes on the web process and each worker; a worker refuses to start without REDIS_URL, saying so', async () => {
    const base = web.url.replace('/api/github/webhooks', '');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    for (const worker of workers.filter((candidate) => candidate.child.exitCode === null && candidate.child.signalCode === null)) {
      expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    }
    await expect(spawnWorker(harness, path.join(harness.work, 'no-redis'), { REDIS_URL: '' })).rejects.toThrow(/REDIS_URL is not set/);
  });
});
