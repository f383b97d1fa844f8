import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_MARKER } from '@premortem/core';
import type { RunningBot } from '@premortem/bot';
import { createHarness, expectExactlyOnce, sha, spawnBot, startBot, until, type Harness } from './support/bot-harness.js';

// The bot (its real webhook server and queue) against the GitHub double on loopback, while things
// break: requests that hang, connections that drop after GitHub did the work, events that arrive
// late or twice, a long rate limit, and the bot itself killed or stopped mid-analysis. Whatever
// happens, each head SHA ends with exactly one completed check, and each pull request head gets at
// most one review and one summary.
let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(() => harness?.close());

const writesTo = (operationId: string) => harness.gh.requestsFor(operationId).length;

describe('the bot while GitHub misbehaves', () => {
  let bot: RunningBot;
  beforeAll(async () => {
    bot = await startBot(harness, path.join(harness.work, 'bot'));
  });
  afterAll(() => bot?.stop());

  it('a request that hangs is cut off at its deadline and tried again; a POST that hangs is looked for before it is made again', async () => {
    const { gh } = harness;
    await harness.openPull(10, sha('a'), 'head');
    gh.failNext({ method: 'GET', path: /\/pulls\/10\/files$/, effect: 'hang' });
    gh.failNext({ method: 'POST', path: /\/pulls\/10\/reviews$/, effect: 'hang' });
    expect(await harness.deliver(bot.url, 10, sha('a'))).toBe(200);
    await bot.app.idle();

    expect(gh.requestsFor('pulls/list-files').map((request) => request.status)).toEqual([-1, 200]);
    // The hung review was never made: looked for (not there), then made once.
    expect(gh.requestsFor('pulls/create-review').map((request) => request.status)).toEqual([-1, 200]);
    expect(gh.state.reviews.filter((review) => review.pull_number === 10)).toHaveLength(1);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === sha('a')).map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
    expectExactlyOnce(gh, 10, [sha('a')]);
    expect(gh.problems).toEqual([]);
  });

  it('a connection dropped after each POST (and the annotating update): each was done once, and found, not repeated', async () => {
    const { gh } = harness;
    await harness.openPull(11, sha('c'), 'head');
    const [checks, reviews, comments, updates] = ['checks/create', 'pulls/create-review', 'issues/create-comment', 'checks/update'].map(writesTo);
    for (const [method, path] of [
      ['POST', /\/check-runs$/],
      ['POST', /\/pulls\/11\/reviews$/],
      ['POST', /\/issues\/11\/comments$/],
      ['PATCH', /\/check-runs\/\d+$/],
    ] as const) {
      gh.failNext({ method, path, effect: 'reset-after' });
    }
    expect(await harness.deliver(bot.url, 11, sha('c'))).toBe(200);
    await bot.app.idle();

    // One request each, done by GitHub, its answer lost: none was sent twice.
    expect([writesTo('checks/create') - checks!, writesTo('pulls/create-review') - reviews!, writesTo('issues/create-comment') - comments!, writesTo('checks/update') - updates!]).toEqual([1, 1, 1, 1]);
    const run = gh.state.checkRuns.find((candidate) => candidate.head_sha === sha('c'))!;
    expect({ status: run.status, conclusion: run.conclusion, annotations: run.output.annotations.length }).toEqual({ status: 'completed', conclusion: 'failure', annotations: 2 });
    expect(gh.state.reviews.filter((review) => review.pull_number === 11)).toHaveLength(1);
    expect(gh.state.comments.filter((comment) => comment.issue_number === 11)).toHaveLength(1);
    expectExactlyOnce(gh, 11, [sha('c')]);
    expect(gh.problems).toEqual([]);
  });

  it('a POST dropped before GitHub saw it is made again, once', async () => {
    const { gh } = harness;
    await harness.openPull(12, sha('d'), 'head');
    gh.failNext({ method: 'POST', path: /\/check-runs$/, effect: 'reset-before' });
    expect(await harness.deliver(bot.url, 12, sha('d'))).toBe(200);
    await bot.app.idle();
    expect(gh.state.checkRuns.filter((run) => run.head_sha === sha('d')).map((run) => run.conclusion)).toEqual(['failure']);
    expectExactlyOnce(gh, 12, [sha('d')]);
    expect(gh.problems).toEqual([]);
  });

  it('a late or redelivered event for an older push changes nothing, and does not stop the newest analysis', async () => {
    const { gh } = harness;
    const [first, fixed, late, newest] = [sha('e'), sha('f'), sha('1'), sha('2')];
    await harness.openPull(13, first, 'head');
    expect(await harness.deliver(bot.url, 13, first)).toBe(200);
    await bot.app.idle();
    await harness.push(13, fixed, 'fixed');
    expect(await harness.deliver(bot.url, 13, fixed, 'synchronize')).toBe(200);
    await bot.app.idle();
    const summary = gh.state.comments.find((comment) => comment.issue_number === 13)!;
    expect(summary.body).toContain('No problems on the changed lines');

    // The first push's event, redelivered: nothing is written.
    const writes = gh.requests.filter((request) => request.method !== 'GET').length;
    expect(await harness.deliver(bot.url, 13, first)).toBe(200);
    await bot.app.idle();
    expect(gh.requests.filter((request) => request.method !== 'GET').length).toBe(writes);
    expect(summary.body).toContain('No problems on the changed lines');

    // Two pushes; the older one's event arrives while the newest is being analyzed.
    await harness.push(13, late, 'head');
    await harness.push(13, newest, 'fixed');
    expect(await harness.deliver(bot.url, 13, newest, 'synchronize')).toBe(200);
    await until(() => gh.state.checkRuns.some((run) => run.head_sha === newest && run.status === 'in_progress'));
    expect(await harness.deliver(bot.url, 13, late, 'synchronize')).toBe(200);
    await bot.app.idle();

    expect(gh.state.checkRuns.filter((run) => run.head_sha === newest).map((run) => run.conclusion)).toEqual(['success']);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === late)).toEqual([]);
    expect(gh.state.reviews.filter((review) => review.pull_number === 13).map((review) => review.commit_id)).toEqual([first]);
    expect(summary.body).toContain('No problems on the changed lines');
    expectExactlyOnce(gh, 13, [first, fixed, late, newest]);
    expect(gh.problems).toEqual([]);
  });

  it('a 429 asking for a longer wait than the policy holds re-queues the review for then, its check still in progress', async () => {
    const { gh } = harness;
    await harness.openPull(14, sha('3'), 'head');
    gh.failNext({ method: 'POST', path: /\/pulls\/14\/reviews$/, status: 429, headers: { 'retry-after': '3' } });
    expect(await harness.deliver(bot.url, 14, sha('3'))).toBe(200);
    await until(() => gh.requestsFor('pulls/create-review').some((request) => request.status === 429));
    const run = () => gh.state.checkRuns.find((candidate) => candidate.head_sha === sha('3'))!;
    await until(() => run().output.title === 'Waiting for GitHub’s rate limit');
    expect(run().status).toBe('in_progress');

    await bot.app.idle();
    // Tried again once GitHub's wait was over, not before.
    const [limited, posted] = gh.requestsFor('pulls/create-review').filter((request) => request.path.includes('/pulls/14/'));
    expect([limited!.status, posted!.status]).toEqual([429, 200]);
    expect(posted!.time - limited!.time).toBeGreaterThanOrEqual(3000);
    expect({ status: run().status, conclusion: run().conclusion }).toEqual({ status: 'completed', conclusion: 'failure' });
    expect(gh.state.reviews.filter((review) => review.pull_number === 14)).toHaveLength(1);
    expectExactlyOnce(gh, 14, [sha('3')]);
    expect(gh.problems).toEqual([]);
  });

  it('a tarball download that hangs before its headers is cut off at the deadline and tried again', async () => {
    const { gh } = harness;
    await harness.openPull(16, sha('7'), 'head');
    gh.failNext({ path: new RegExp(`^/_codeload/.*/${sha('7')}$`), effect: 'hang' });
    expect(await harness.deliver(bot.url, 16, sha('7'))).toBe(200);
    await bot.app.idle();
    expect(gh.requests.filter((request) => request.path.includes(`/tarball/${sha('7')}`))).toHaveLength(2);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === sha('7')).map((run) => run.conclusion)).toEqual(['failure']);
    expect(gh.state.reviews.filter((review) => review.pull_number === 16)).toHaveLength(1);
    expect(gh.hanging()).toBe(0);
    expect(gh.problems).toEqual([]);
  });

  it('trusts only its own markers: a user’s comment or review carrying one is neither edited nor taken for the bot’s', async () => {
    const { gh } = harness;
    await harness.openPull(15, sha('4'), 'head');
    const planted = gh.addIssueComment({ owner: 'acme', repo: 'calendar', issue_number: 15, body: `Nice bot. ${SUMMARY_MARKER}`, user: 'mallory' });
    gh.addReview({ owner: 'acme', repo: 'calendar', pull_number: 15, commit_id: sha('4'), body: `<!-- premortem:review ${sha('4')} -->\n<!-- premortem:commented -->`, user: 'mallory' });
    expect(await harness.deliver(bot.url, 15, sha('4'))).toBe(200);
    await bot.app.idle();

    expect(planted.body).toBe(`Nice bot. ${SUMMARY_MARKER}`);
    expect(gh.state.comments.filter((comment) => comment.issue_number === 15).map((comment) => comment.user)).toEqual(['mallory', gh.botLogin]);
    expect(gh.state.reviews.filter((review) => review.pull_number === 15).map((review) => [review.user, review.comments.length])).toEqual([
      ['mallory', 0],
      [gh.botLogin, 2],
    ]);
    expect(gh.problems).toEqual([]);
  });
});

describe('the bot on a pull request adding files too deep to analyze', () => {
  // A 30,000-term expression is analyzed; a 20,000-deep nesting is one premortem/analysis-error.
  const deep = {
    'src/generated/sum.ts': `export const sum = ${Array.from({ length: 30_000 }, () => '1').join(' + ')};\n`,
    'src/generated/nested.ts': `export const nested = ${'('.repeat(20_000)}1${')'.repeat(20_000)};\n`,
  };
  const analysisErrors = (text: string | null) => (text ?? '').match(/premortem\/analysis-error/g)?.length ?? 0;

  it('fails the check by default (fail closed), and says which file could not be analyzed', async () => {
    const { gh } = harness;
    const bot = await startBot(harness, path.join(harness.work, 'deep-default'));
    try {
      await harness.openPull(18, sha('9'), 'fixed', deep);
      expect(await harness.deliver(bot.url, 18, sha('9'))).toBe(200);
      await bot.app.idle();
      const run = gh.state.checkRuns.find((candidate) => candidate.head_sha === sha('9'))!;
      expect({ status: run.status, conclusion: run.conclusion }).toEqual({ status: 'completed', conclusion: 'failure' });
      expect(run.output.annotations.map((annotation) => [annotation.path, annotation.title])).toEqual([['src/generated/nested.ts', 'premortem/analysis-error']]);
      expect(analysisErrors(gh.state.comments.find((comment) => comment.issue_number === 18)?.body ?? null)).toBeGreaterThan(0);
      expect(gh.problems).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('stays neutral with PREMORTEM_INCOMPLETE_CONCLUSION=neutral, and still fails on a real finding beside it', async () => {
    const { gh } = harness;
    const bot = await startBot(harness, path.join(harness.work, 'deep-neutral'), {
      settings: { workDir: path.join(harness.work, 'deep-neutral'), settleMs: 20, incompleteConclusion: 'neutral', snapshotLimits: { maxFiles: 400, maxBytes: 20e6, maxFileBytes: 1e6, timeoutMs: 30_000 } },
    });
    try {
      await harness.openPull(19, sha('0'), 'fixed', deep);
      await harness.openPull(22, 'ab'.repeat(20), 'head', deep);
      expect(await harness.deliver(bot.url, 19, sha('0'))).toBe(200);
      expect(await harness.deliver(bot.url, 22, 'ab'.repeat(20))).toBe(200);
      await bot.app.idle();
      expect(gh.state.checkRuns.filter((run) => run.head_sha === sha('0')).map((run) => run.conclusion)).toEqual(['neutral']);
      const withHazards = gh.state.checkRuns.find((run) => run.head_sha === 'ab'.repeat(20))!;
      expect(withHazards.conclusion).toBe('failure');
      expect(withHazards.output.annotations.map((annotation) => annotation.title).sort()).toEqual(['premortem/analysis-error', 'premortem/no-fetch-on-every-page', 'premortem/no-unbounded-query']);
      expect(gh.problems).toEqual([]);
    } finally {
      await bot.stop();
    }
  });
});

describe('the bot when a download stalls mid-way', () => {
  it('gives up at the snapshot deadline, frees the connection, and concludes as configured (neutral here), saying why', async () => {
    const { gh } = harness;
    const bot = await startBot(harness, path.join(harness.work, 'stall'), {
      settings: { workDir: path.join(harness.work, 'stall'), settleMs: 20, incompleteConclusion: 'neutral', snapshotLimits: { maxFiles: 400, maxBytes: 20e6, maxFileBytes: 1e6, timeoutMs: 2000 } },
    });
    try {
      await harness.openPull(17, sha('8'), 'head');
      gh.failNext({ path: new RegExp(`^/_codeload/.*/${sha('8')}$`), effect: 'stall-body' });
      expect(await harness.deliver(bot.url, 17, sha('8'))).toBe(200);
      await bot.app.idle();
      const run = gh.state.checkRuns.find((candidate) => candidate.head_sha === sha('8'))!;
      expect({ status: run.status, conclusion: run.conclusion, title: run.output.title }).toEqual({ status: 'completed', conclusion: 'neutral', title: 'Premortem could not analyze this commit' });
      expect(run.output.summary).toMatch(/longer than 2 s/);
      expect(run.output.summary).toContain('PREMORTEM_INCOMPLETE_CONCLUSION=neutral');
      await until(() => gh.hanging() === 0, 5000, () => 'the stalled download still holds its connection');
      expect(gh.problems).toEqual([]);
    } finally {
      await bot.stop();
    }
  });
});

describe('the bot killed or stopped mid-analysis', () => {
  const inProgress = (head: string) => harness.gh.state.checkRuns.some((run) => run.head_sha === head && run.status === 'in_progress');
  const completed = (head: string) => harness.gh.state.checkRuns.some((run) => run.head_sha === head && run.status === 'completed');

  it('kill -9: the next start takes the review up and finishes the check it left in progress; its snapshots are removed', async () => {
    const { gh } = harness;
    const workDir = path.join(harness.work, 'killed');
    await harness.openPull(20, sha('5'), 'head');
    const first = await spawnBot(harness, workDir);
    expect(await harness.deliver(first.url, 20, sha('5'))).toBe(200);
    await until(() => inProgress(sha('5')) && readdirSync(path.join(workDir, 'snapshots')).length > 0, 60_000, first.output);
    process.kill(-first.child.pid!, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(inProgress(sha('5'))).toBe(true);

    const second = await spawnBot(harness, workDir);
    try {
      await until(() => completed(sha('5')), 60_000, second.output);
      expect(second.output()).toMatch(/removed 1 snapshot folder|removed \d+ snapshot folder/);
      expect(second.output()).toContain('taking up 1 review(s)');
      expect(gh.state.checkRuns.filter((run) => run.head_sha === sha('5')).map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
      expect(gh.state.reviews.filter((review) => review.pull_number === 20)).toHaveLength(1);
      expectExactlyOnce(gh, 20, [sha('5')]);
      await until(() => readdirSync(path.join(workDir, 'queue')).length === 0 && readdirSync(path.join(workDir, 'snapshots')).length === 0);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
    expect(gh.problems).toEqual([]);
  });

  it('SIGTERM: stops taking webhooks, stops the analysis after the grace period, and the next start finishes it', async () => {
    const { gh } = harness;
    const workDir = path.join(harness.work, 'terminated');
    await harness.openPull(21, sha('6'), 'head');
    const first = await spawnBot(harness, workDir, { PREMORTEM_DRAIN_MS: '100' });
    expect(await harness.deliver(first.url, 21, sha('6'))).toBe(200);
    await until(() => inProgress(sha('6')), 60_000, first.output);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped for shutdown; it resumes at the next start');
    // Nothing was concluded on a half-done analysis; the check says why it waits, the job waits in the journal.
    expect(inProgress(sha('6'))).toBe(true);
    expect(gh.state.checkRuns.find((run) => run.head_sha === sha('6'))!.output.title).toBe('Paused: premortem is restarting');
    expect(readdirSync(path.join(workDir, 'queue'))).toHaveLength(1);
    expect(existsSync(path.join(workDir, 'snapshots')) ? readdirSync(path.join(workDir, 'snapshots')) : []).toEqual([]);

    const second = await spawnBot(harness, workDir);
    try {
      await until(() => completed(sha('6')), 60_000, second.output);
      expect(gh.state.checkRuns.filter((run) => run.head_sha === sha('6')).map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
      expectExactlyOnce(gh, 21, [sha('6')]);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
    expect(gh.problems).toEqual([]);
  });
});
