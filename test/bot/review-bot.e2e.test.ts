import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_LIMITS, startServer, type RunningBot } from '@premortem/bot';
import { writeCalendarApp } from '../support/calendar-pull-request.js';
import { closedPort } from '../stats/loopback-port.js';
import { pullFilesFromDirs, startGitHubDouble, type GitHubDouble } from './support/github-double.js';
import { rawTar } from './support/hostile-tar.js';
import { makeGithubTarball } from './support/make-tarball.js';
import { pullRequestPayload, sendWebhook } from './support/webhooks.js';

// The bot's real HTTP server and a GitHub double, both on loopback; webhooks signed like GitHub's.
const SECRET = 'webhook-secret-for-tests';
const APP_ID = 4242;
const INSTALLATION = 77;
const repo = { owner: 'acme', repo: 'calendar', installationId: INSTALLATION };
const sha = (c: string) => c.repeat(40);
const BASE = sha('b');
const HEAD = sha('1');
const FIXED = sha('2');
/** The head, with the search's finding silenced by an ESLint directive on its line. */
const SILENCED = sha('6');

let work: string;
let gh: GitHubDouble;
let bot: RunningBot;
const dirs: Record<'base' | 'head' | 'fixed' | 'silenced', string> = { base: '', head: '', fixed: '', silenced: '' };

const writes = () => gh.requests.filter((request) => request.method !== 'GET');
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
async function deliver(payload: object, name = 'pull_request'): Promise<number> {
  const status = await sendWebhook(bot.url, { name, payload, secret: SECRET });
  await bot.app.idle();
  return status;
}
const pullRequest = (number: number, head: string, action: 'opened' | 'synchronize' = 'opened') =>
  pullRequestPayload({ ...repo, number, action, head: { ref: `feature-${number}`, sha: head }, base: { ref: 'main', sha: BASE } });

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'premortem-bot-e2e-'));
  for (const state of ['base', 'head', 'fixed'] as const) {
    dirs[state] = path.join(work, 'repo', state);
    mkdirSync(dirs[state], { recursive: true });
    // A tarball has no node_modules: the bot analyzes from the schema and import specifiers.
    writeCalendarApp(dirs[state], state, { linkDependencies: false });
  }
  dirs.silenced = path.join(work, 'repo', 'silenced');
  mkdirSync(dirs.silenced, { recursive: true });
  writeCalendarApp(dirs.silenced, 'head', { linkDependencies: false });
  const router = path.join(dirs.silenced, 'src/server/routers/bookings.ts');
  const silenced = readFileSync(router, 'utf8').replace(
    'return prisma.booking.findMany({ // premortem-expect: no-unbounded-query',
    'return prisma.booking.findMany({ // eslint-disable-line premortem/no-unbounded-query -- the palette shows what fits',
  );
  if (!silenced.includes('eslint-disable-line')) throw new Error('the search query moved; update this test');
  writeFileSync(router, silenced);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  gh = await startGitHubDouble({ appPublicKey: publicKey, appId: APP_ID, pageSize: 1 });
  for (const [commit, state] of [[BASE, 'base'], [HEAD, 'head'], [FIXED, 'fixed'], [SILENCED, 'silenced']] as const) {
    gh.addTarball(repo.owner, repo.repo, commit, await makeGithubTarball(dirs[state], `acme-calendar-${commit.slice(0, 7)}`, { commit }));
  }
  mkdirSync(path.join(work, 'snapshots'));
  bot = await startServer(
    {
      appId: String(APP_ID),
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      webhookSecret: SECRET,
      port: await closedPort(),
      host: '127.0.0.1',
      webhookPath: '/api/github/webhooks',
      baseUrl: gh.url,
      settings: { workDir: path.join(work, 'snapshots'), settleMs: 10, snapshotLimits: { maxFiles: 400, maxBytes: 20e6, maxFileBytes: 1e6, timeoutMs: 30_000 } },
      requestPolicy: { writeIntervalMs: 20, retries: 3, baseDelayMs: 10, maxDelayMs: 2000, timeoutMs: 10_000 },
      webhookLimits: DEFAULT_WEBHOOK_LIMITS,
      drainMs: 1000,
    },
    'silent',
  );
});

afterAll(async () => {
  await bot?.stop();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the bot on the KBar pull request', () => {
  it('asks GitHub who it is once, at start, to know its own comments from anyone else’s', () => {
    expect(gh.requests.map((request) => request.operationId)).toEqual(['apps/get-authenticated']);
  });

  it('refuses a webhook with a wrong signature and posts nothing', async () => {
    const before = gh.requests.length;
    const status = await sendWebhook(bot.url, { name: 'pull_request', payload: pullRequest(7, HEAD), secret: 'not-the-secret' });
    await bot.app.idle();
    expect(status).toBe(401);
    expect(gh.requests.slice(before)).toEqual([]);
  });

  it('reviews the changed lines once, upserts one summary, fails the check; a fix edits the summary in place and passes', async () => {
    gh.addPullRequest({ ...repo, number: 7, base: { ref: 'main', sha: BASE }, head: { ref: 'feature-7', sha: HEAD }, files: pullFilesFromDirs(dirs.base, dirs.head) });
    // Survived within the retry bound: a 502 on the check run, a 429 on the review.
    gh.failNext({ method: 'POST', path: /\/check-runs$/, status: 502 });
    gh.failNext({ method: 'POST', path: /\/pulls\/7\/reviews$/, status: 429, headers: { 'retry-after': '0' } });

    const status = await sendWebhook(bot.url, { name: 'pull_request', payload: pullRequest(7, HEAD), secret: SECRET });
    // Acknowledged before the work is done: nothing is reviewed yet when GitHub hears back.
    expect(status).toBe(200);
    expect(gh.state.reviews).toEqual([]);
    await bot.app.idle();

    expect(gh.problems).toEqual([]);
    expect(gh.state.reviews).toHaveLength(1);
    const [review] = gh.state.reviews;
    expect(review!.commit_id).toBe(HEAD);
    expect(review!.comments.map((c) => `${c.path}:${c.line}`)).toEqual(['app/layout.tsx:17', 'src/server/routers/bookings.ts:34']);
    expect(review!.comments[0]!.body).toContain('premortem/no-fetch-on-every-page');
    expect(review!.comments[1]!.body).toContain('premortem/no-unbounded-query');

    expect(gh.state.comments).toHaveLength(1);
    const summary = gh.state.comments[0]!.body;
    expect(summary).toContain('<!-- premortem:summary -->');
    expect(summary).toContain('## Premortem: 2 errors on the changed lines');
    expect(summary).toMatch(/\| `Booking\.findMany` \| \[`src\/server\/routers\/bookings\.ts:26`\]\(https:\/\/github\.com\/acme\/calendar\/blob\/1{40}\/src\/server\/routers\/bookings\.ts#L26\) \| [^|]+ \| \*\*no\*\* \| ~[\d,]+ rows? \([^)]*\) \| ~[\d,]+ rows? \([^)]*\) \|/);
    expect(summary).toContain('```mermaid\nflowchart TD');
    expect(summary).toContain('step1["#lt;CommandPalette#gt;<br/>app/layout.tsx:17"]');

    expect(gh.state.checkRuns).toHaveLength(1);
    expect(gh.state.checkRuns[0]).toMatchObject({ head_sha: HEAD, name: 'premortem', status: 'completed', conclusion: 'failure' });
    expect(gh.state.checkRuns[0]!.output.annotations.map((a) => `${a.path}:${a.start_line}`)).toEqual(['src/hooks/useBookingSearch.ts:14', 'src/server/routers/bookings.ts:26']);
    // The faults were met and retried: two check-run POSTs, two review POSTs, one of each stored.
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/check-runs')).map((r) => r.status)).toEqual([502, 201]);
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/reviews')).map((r) => r.status)).toEqual([429, 200]);
    // The files list came page by page (one item per page here).
    expect(gh.requestsFor('pulls/list-files').length).toBeGreaterThan(1);

    // A redelivery, and a restart-like second delivery of the same head, post nothing new.
    const before = writes().length;
    expect(await deliver(pullRequest(7, HEAD))).toBe(200);
    expect(await deliver(pullRequest(7, HEAD, 'synchronize'))).toBe(200);
    expect(writes()).toHaveLength(before);

    // The author pushes the fix.
    gh.setHead(7, FIXED, pullFilesFromDirs(dirs.base, dirs.fixed));
    expect(await deliver(pullRequest(7, FIXED, 'synchronize'))).toBe(200);
    expect(gh.problems).toEqual([]);
    expect(gh.state.reviews).toHaveLength(1);
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]!.body).toContain('## Premortem: ✅ No problems on the changed lines');
    expect(gh.requestsFor('issues/update-comment')).toHaveLength(1);
    expect(gh.state.checkRuns.map((run) => [run.head_sha, run.conclusion])).toEqual([
      [HEAD, 'failure'],
      [FIXED, 'success'],
    ]);
  });

  it('re-runs a check when asked on GitHub, without a second review', async () => {
    const reviews = gh.state.reviews.length;
    const payload = {
      action: 'rerequested',
      check_run: {
        id: gh.state.checkRuns[1]!.id,
        name: 'premortem',
        head_sha: FIXED,
        pull_requests: [{ number: 7, head: { ref: 'feature-7', sha: FIXED }, base: { ref: 'main', sha: BASE } }],
      },
      repository: pullRequest(7, FIXED).repository,
      installation: { id: INSTALLATION },
    };
    expect(await deliver(payload, 'check_run')).toBe(200);
    expect(gh.state.checkRuns.filter((run) => run.head_sha === FIXED).map((run) => run.conclusion)).toEqual(['success', 'success']);
    expect(gh.state.reviews).toHaveLength(reviews);
    expect(gh.problems).toEqual([]);
  });
});

describe('the bot and ESLint directives', () => {
  it('does not report a finding an eslint-disable directive silences, as the editor does not', async () => {
    gh.addPullRequest({ ...repo, number: 11, base: { ref: 'main', sha: BASE }, head: { ref: 'feature-11', sha: SILENCED }, files: pullFilesFromDirs(dirs.base, dirs.silenced) });
    expect(await deliver(pullRequest(11, SILENCED))).toBe(200);
    expect(gh.problems).toEqual([]);
    const review = gh.state.reviews.find((candidate) => candidate.commit_id === SILENCED)!;
    // The head's review commented on the layout and on the search; the search is silenced now.
    expect(review.comments.map((c) => `${c.path}:${c.line}`)).toEqual(['app/layout.tsx:17']);
    const check = gh.state.checkRuns.find((run) => run.head_sha === SILENCED)!;
    expect(check.output.annotations.map((a) => `${a.path}:${a.start_line}`)).toEqual(['src/hooks/useBookingSearch.ts:14']);
  });
});

describe('the bot under a quick second push', () => {
  it('stops the older analysis, marks its check cancelled, and reports only the newer head', async () => {
    const [older, newer] = [sha('3'), sha('4')];
    gh.addTarball(repo.owner, repo.repo, older, await makeGithubTarball(dirs.head, 'acme-calendar-3333333', { commit: older }));
    gh.addTarball(repo.owner, repo.repo, newer, await makeGithubTarball(dirs.fixed, 'acme-calendar-4444444', { commit: newer }));
    gh.addPullRequest({ ...repo, number: 8, base: { ref: 'main', sha: BASE }, head: { ref: 'feature-8', sha: older }, files: pullFilesFromDirs(dirs.base, dirs.head) });

    expect(await sendWebhook(bot.url, { name: 'pull_request', payload: pullRequest(8, older), secret: SECRET })).toBe(200);
    // The push lands while the older commit is being analyzed.
    await until(() => gh.state.checkRuns.some((run) => run.head_sha === older && run.status === 'in_progress'));
    gh.setHead(8, newer, pullFilesFromDirs(dirs.base, dirs.fixed));
    expect(await sendWebhook(bot.url, { name: 'pull_request', payload: pullRequest(8, newer, 'synchronize'), secret: SECRET })).toBe(200);
    await bot.app.idle();

    expect(gh.state.checkRuns.filter((run) => run.head_sha === older || run.head_sha === newer).map((run) => [run.head_sha, run.conclusion])).toEqual([
      [older, 'cancelled'],
      [newer, 'success'],
    ]);
    expect(gh.state.reviews.filter((review) => review.pull_number === 8)).toEqual([]);
    // A clean pull request that never had a summary gets none.
    expect(gh.state.comments.filter((comment) => comment.issue_number === 8)).toEqual([]);
    expect(gh.problems).toEqual([]);
  });
});

describe('the bot when GitHub refuses an inline anchor', () => {
  it('posts the review again with the comments in its body, once', async () => {
    const head = sha('5');
    gh.addTarball(repo.owner, repo.repo, head, await makeGithubTarball(dirs.head, 'acme-calendar-5555555', { commit: head }));
    gh.addPullRequest({ ...repo, number: 9, base: { ref: 'main', sha: BASE }, head: { ref: 'feature-9', sha: head }, files: pullFilesFromDirs(dirs.base, dirs.head) });
    gh.failNext({ method: 'POST', path: /\/pulls\/9\/reviews$/, status: 422, message: 'Pull request review thread line must be part of the diff' });

    expect(await deliver(pullRequest(9, head))).toBe(200);

    const reviews = gh.state.reviews.filter((review) => review.pull_number === 9);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.comments).toEqual([]);
    expect(reviews[0]!.body).toContain('#### `app/layout.tsx:17`');
    expect(reviews[0]!.body).toContain('#### `src/server/routers/bookings.ts:34`');
    expect(gh.state.checkRuns.find((run) => run.head_sha === head)?.conclusion).toBe('failure');
    expect(gh.problems).toEqual([]);
  });
});

describe('the bot on hostile tarballs', () => {
  const github = (...entries: Parameters<typeof rawTar>[0]) => entries.map((entry) => ({ ...entry, path: `acme-calendar-x/${entry.path}` }));
  const hostile: Array<{ name: string; tarball: () => Buffer; says: RegExp }> = [
    { name: 'path traversal', tarball: () => rawTar(github({ path: '../../outside/pwned.ts', body: 'x' })), says: /\.\./ },
    { name: 'a link out', tarball: () => rawTar(github({ path: 'src/passwd.ts', type: 'SymbolicLink', linkpath: '/etc/passwd' })), says: /link/i },
    {
      name: 'too many files',
      tarball: () => rawTar(github(...Array.from({ length: 401 }, (_, i) => ({ path: `src/f${i}.ts`, body: `export const f${i} = ${i};\n` })))),
      says: /400/,
    },
    { name: 'a huge file', tarball: () => rawTar(github({ path: 'src/huge.ts', size: 3_000_000 })), says: /huge\.ts/ },
  ];

  it.each(hostile.map((c, i) => ({ ...c, number: 100 + i, commit: sha(String.fromCharCode(99 + i)) })))(
    '$name: a failing check (fail closed, the default) that says why, nothing written outside the work folder',
    async ({ tarball, says, number, commit }) => {
      gh.addTarball(repo.owner, repo.repo, commit, gzipSync(tarball()));
      gh.addPullRequest({ ...repo, number, base: { ref: 'main', sha: BASE }, head: { ref: `feature-${number}`, sha: commit }, files: pullFilesFromDirs(dirs.base, dirs.head) });
      const canary = path.join(work, 'outside');
      mkdirSync(canary, { recursive: true });
      writeFileSync(path.join(canary, 'canary.txt'), 'untouched');

      expect(await deliver(pullRequest(number, commit))).toBe(200);

      const run = gh.state.checkRuns.find((r) => r.head_sha === commit);
      expect(run).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 'Premortem could not analyze this commit' } });
      expect(run!.output.summary).toMatch(says);
      expect(gh.state.reviews.filter((r) => r.pull_number === number)).toEqual([]);
      expect(gh.state.comments.filter((c) => c.issue_number === number)).toEqual([]);
      expect(readdirSync(canary)).toEqual(['canary.txt']);
      expect(readdirSync(path.join(work, 'snapshots', 'snapshots'))).toEqual([]);
      expect(gh.problems).toEqual([]);
    },
  );
});
