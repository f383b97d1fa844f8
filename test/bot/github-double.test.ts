// The GitHub double that the bot's end-to-end tests run against, tested with the client the bot
// uses (Probot's Octokit, its own retry and throttling off so each failure is seen once).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { verify as verifySignature } from '@octokit/webhooks-methods';
import { ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffLines, pullFilesFromDirs, startGitHubDouble, type GitHubDouble, type GitHubDoubleOptions, type PullFile } from './support/github-double.js';
import { exampleResponse, findOperation, validateRequestBody, validateResponseBody } from './support/openapi.js';
import { checkRunRerequestedPayload, pullRequestPayload, sendWebhook, signWebhook } from './support/webhooks.js';

const OWNER = 'acme';
const REPO = 'shop';
const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const INSTALLATION = 42;
const APP_ID = 7;
const ACTIONS_TOKEN = 'actions-token-for-the-double';

// Generated per run: no key material lives in the repository.
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

const patchOf = (lines: string) => lines;
/** `src/a.ts`: lines 1–3 context, 4–5 added, then a second hunk at 20–22 with 21 added; line 10 is outside both. */
const SOURCE_FILE: PullFile = {
  filename: 'src/a.ts',
  status: 'modified',
  additions: 3,
  deletions: 1,
  changes: 4,
  patch: patchOf('@@ -1,4 +1,5 @@\n one\n two\n three\n-four\n+FOUR\n+five\n@@ -18,2 +19,3 @@ export function f() {\n twenty\n+twenty-one\n twenty-two'),
};
const files = (count: number): PullFile[] =>
  Array.from({ length: count }, (_, i) => ({ filename: `src/file-${i}.ts`, status: 'added', additions: 1, deletions: 0, changes: 1, patch: `@@ -0,0 +1 @@\n+export const n = ${i};` }));

const opened: GitHubDouble[] = [];
async function double(options: GitHubDoubleOptions = {}, pullFiles: PullFile[] = [SOURCE_FILE]): Promise<GitHubDouble> {
  const gh = await startGitHubDouble({ token: ACTIONS_TOKEN, ...options });
  opened.push(gh);
  gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, base: { ref: 'main', sha: BASE }, head: { ref: 'feature', sha: HEAD }, files: pullFiles });
  return gh;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((gh) => gh.close()));
});

const tokenClient = (gh: GitHubDouble, token = ACTIONS_TOKEN) => new ProbotOctokit({ baseUrl: gh.url, auth: { token }, retry: { enabled: false }, throttle: { enabled: false } });
const appClient = (gh: GitHubDouble, privateKey = appKeys.privateKey) =>
  new ProbotOctokit({ baseUrl: gh.url, auth: { appId: APP_ID, privateKey, installationId: INSTALLATION }, retry: { enabled: false }, throttle: { enabled: false } });
const statusOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error as { status: number; message: string; response?: { headers: Record<string, string>; data: unknown } };
  }
};
const repo = { owner: OWNER, repo: REPO };

describe('openapi', () => {
  it('finds the operation of a path, the literal template winning over a parameter', () => {
    expect(findOperation('POST', '/repos/acme/shop/pulls/7/reviews?x=1')).toMatchObject({
      operationId: 'pulls/create-review',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      params: { owner: 'acme', repo: 'shop', pull_number: '7' },
    });
    expect(findOperation('PATCH', '/repos/acme/shop/issues/comments/5')?.operationId).toBe('issues/update-comment');
    expect(findOperation('GET', '/repos/acme/shop/issues/5/comments')?.operationId).toBe('issues/list-comments');
    expect(findOperation('GET', '/repos/acme/shop/no-such-thing/5')).toBeUndefined();
  });

  it('reports a wrong body against GitHub\'s schema and passes its valid twin', () => {
    const review = '/repos/acme/shop/pulls/7/reviews';
    expect(validateRequestBody('POST', review, { event: 'COMMENT', comments: [{ path: 'a.ts', line: 'x', body: 'b' }] })).toEqual([
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews (pulls/create-review): body/comments/0/line must be integer',
    ]);
    expect(validateRequestBody('POST', review, { event: 'COMMENT', comments: [{ path: 'a.ts', line: 3, side: 'RIGHT', body: 'b' }] })).toEqual([]);

    const update = '/repos/acme/shop/check-runs/1';
    const [problem, ...rest] = validateRequestBody('PATCH', update, { conclusion: 'bogus' });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^PATCH \/repos\/\{owner\}\/\{repo\}\/check-runs\/\{check_run_id\} \(checks\/update\): body\/conclusion must be equal to one of the allowed values \(action_required, cancelled, failure, /);
    expect(validateRequestBody('PATCH', update, { status: 'completed', conclusion: 'neutral' })).toEqual([]);
  });

  it('reads OpenAPI 3.0\'s nullable, an enum\'s included, as GitHub means it', () => {
    // A check run's `conclusion` is `{ enum: [...], nullable: true }` and GitHub sends null while the run is in progress.
    const run = exampleResponse('GET', '/repos/acme/shop/check-runs/1', 200) as Record<string, unknown>;
    expect(validateResponseBody('GET', '/repos/acme/shop/check-runs/1', 200, { ...run, status: 'in_progress', conclusion: null, details_url: null })).toEqual([]);
    expect(validateResponseBody('GET', '/repos/acme/shop/check-runs/1', 200, { ...run, conclusion: 'bogus' })).toEqual([
      'GET /repos/{owner}/{repo}/check-runs/{check_run_id} (checks/get) → 200: response/conclusion must be equal to one of the allowed values (success, failure, neutral, cancelled, skipped, timed_out, action_required, null)',
    ]);
  });

  it('says when a body is missing, unexpected, or for no operation at all', () => {
    expect(validateRequestBody('POST', '/repos/acme/shop/issues/7/comments', {})).toEqual(['POST /repos/{owner}/{repo}/issues/{issue_number}/comments (issues/create-comment): body must have required property \'body\'']);
    expect(validateRequestBody('POST', '/repos/acme/shop/issues/7/comments', undefined)).toEqual(['POST /repos/{owner}/{repo}/issues/{issue_number}/comments (issues/create-comment): the request body is required']);
    expect(validateRequestBody('GET', '/repos/acme/shop/pulls/7', { a: 1 })).toEqual(['GET /repos/{owner}/{repo}/pulls/{pull_number} (pulls/get): takes no JSON body, got one']);
    expect(validateRequestBody('GET', '/nowhere', undefined)).toEqual(["GET /nowhere: no such operation in GitHub's REST API description"]);
    expect(exampleResponse('GET', '/repos/acme/shop/pulls/7/files', 200)).toMatchObject({ filename: expect.any(String) as string, status: expect.any(String) as string });
  });
});

describe('authentication', () => {
  it("issues an installation token for a JWT signed with the app's key and requires it afterwards", async () => {
    const gh = await double({ appPublicKey: appKeys.publicKey, appId: APP_ID });
    const { data } = await appClient(gh).rest.pulls.get({ ...repo, pull_number: 7 });
    expect(data).toMatchObject({ number: 7, state: 'open', head: { sha: HEAD, ref: 'feature' }, base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/shop' } } });
    const [tokenRequest, pullRequest] = gh.requests;
    expect(tokenRequest).toMatchObject({ method: 'POST', path: `/app/installations/${INSTALLATION}/access_tokens`, status: 201 });
    expect(tokenRequest?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    expect(pullRequest?.headers.authorization).toMatch(/^token ghs_\w+$/);
    expect(gh.problems).toEqual([]);
  });

  it('refuses a JWT signed with another key, a token it never issued, and no credentials at all', async () => {
    const gh = await double({ appPublicKey: appKeys.publicKey, appId: APP_ID });
    expect(await statusOf(appClient(gh, otherKeys.privateKey).rest.pulls.get({ ...repo, pull_number: 7 }))).toMatchObject({ status: 401 });
    expect(await statusOf(tokenClient(gh, 'ghs_madeup').rest.pulls.get({ ...repo, pull_number: 7 }))).toMatchObject({ status: 401, message: expect.stringContaining('Bad credentials') as string });
    expect(await statusOf(new ProbotOctokit({ baseUrl: gh.url, retry: { enabled: false }, throttle: { enabled: false } }).rest.pulls.get({ ...repo, pull_number: 7 }))).toMatchObject({ status: 401 });
    expect(gh.problems).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens: 401 the JWT's signature does not verify with the app's public key`,
      'GET /repos/acme/shop/pulls/7: 401 a token this double never issued',
      'GET /repos/acme/shop/pulls/7: 401 no Authorization header',
    ]);
  });

  it('accepts the configured plain token, as GitHub Actions gives one', async () => {
    const gh = await double();
    expect((await tokenClient(gh).rest.pulls.get({ ...repo, pull_number: 7 })).status).toBe(200);
    expect(gh.problems).toEqual([]);
  });
});

describe('pagination', () => {
  it('serves at most pageSize per page with a Link header, so per_page=100 still needs every page', async () => {
    const gh = await double({ pageSize: 2 }, files(5));
    const octokit = tokenClient(gh);
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: 7, per_page: 100 });
    expect(all.map((file) => file.filename)).toEqual(files(5).map((file) => file.filename));
    expect(gh.requestsFor('pulls/list-files').map((request) => request.query)).toEqual([{ per_page: '100' }, { per_page: '2', page: '2' }, { per_page: '2', page: '3' }]);

    const first = await octokit.rest.pulls.listFiles({ ...repo, pull_number: 7 });
    expect(first.headers.link).toBe(
      `<${gh.url}/repos/acme/shop/pulls/7/files?per_page=2&page=2>; rel="next", <${gh.url}/repos/acme/shop/pulls/7/files?per_page=2&page=3>; rel="last"`,
    );
    const last = await octokit.rest.pulls.listFiles({ ...repo, pull_number: 7, per_page: 2, page: 3 });
    expect(last.headers.link).not.toContain('rel="next"');
    expect(last.data).toHaveLength(1);
    expect(gh.problems).toEqual([]);
  });

  it('honours per_page up to 100 and defaults to 30, as GitHub does', async () => {
    const gh = await double({}, files(120));
    const octokit = tokenClient(gh);
    expect((await octokit.rest.pulls.listFiles({ ...repo, pull_number: 7 })).data).toHaveLength(30);
    expect((await octokit.rest.pulls.listFiles({ ...repo, pull_number: 7, per_page: 500 })).data).toHaveLength(100);
  });
});

describe('tarball', () => {
  it('redirects to a codeload URL on the same server that serves the registered bytes', async () => {
    const gh = await double();
    const bytes = gzipSync(Buffer.from('not really a tar, the double does not look'));
    gh.addTarball(OWNER, REPO, HEAD, bytes);
    const octokit = tokenClient(gh);
    const { data } = await octokit.rest.repos.downloadTarballArchive({ ...repo, ref: HEAD });
    expect(Buffer.from(data as ArrayBuffer).equals(bytes)).toBe(true);
    // The bot streams it, as GitHub's archives are large.
    const streamed = await octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', { ...repo, ref: 'feature', request: { parseSuccessResponseBody: false } });
    expect(Buffer.from(await new Response(streamed.data as ReadableStream).arrayBuffer()).equals(bytes)).toBe(true);
    expect(gh.requests.map((request) => `${request.status} ${request.path}`)).toEqual([
      `302 /repos/acme/shop/tarball/${HEAD}`,
      `200 /_codeload/acme/shop/legacy.tar.gz/${HEAD}`,
      '302 /repos/acme/shop/tarball/feature',
      `200 /_codeload/acme/shop/legacy.tar.gz/${HEAD}`,
    ]);
    expect(await statusOf(octokit.rest.repos.downloadTarballArchive({ ...repo, ref: 'c'.repeat(40) }))).toMatchObject({ status: 404 });
    expect(gh.problems).toEqual([`GET /repos/acme/shop/tarball/${'c'.repeat(40)}: 404 no tarball of acme/shop@${'c'.repeat(40)} in the double (addTarball first)`]);
  });
});

describe('reviews', () => {
  const review = (comments: Array<{ path: string; line: number; side?: 'LEFT' | 'RIGHT'; start_line?: number }>) => ({
    ...repo,
    pull_number: 7,
    commit_id: HEAD,
    event: 'COMMENT' as const,
    body: 'review',
    comments: comments.map((comment) => ({ ...comment, body: `at ${comment.line}` })),
  });

  it('stores a review whose comments sit on the diff, on either side', async () => {
    const gh = await double();
    const octokit = tokenClient(gh);
    await octokit.rest.pulls.createReview(review([{ path: 'src/a.ts', line: 5 }, { path: 'src/a.ts', line: 21 }, { path: 'src/a.ts', line: 1 }, { path: 'src/a.ts', line: 4, side: 'LEFT' }, { path: 'src/a.ts', line: 5, start_line: 4 }]));
    expect(gh.state.reviews).toHaveLength(1);
    expect(gh.state.reviews[0]).toMatchObject({ state: 'COMMENTED', user: 'premortem[bot]', commit_id: HEAD });
    expect(gh.state.reviews[0]?.comments.map((c) => `${c.side}:${c.start_line ?? ''}-${c.line}`)).toEqual(['RIGHT:-5', 'RIGHT:-21', 'RIGHT:-1', 'LEFT:-4', 'RIGHT:4-5']);
    const listed = await octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number: 7, per_page: 100 });
    expect(listed).toMatchObject([{ body: 'review', state: 'COMMENTED', user: { login: 'premortem[bot]', type: 'Bot' } }]);
    expect(gh.problems).toEqual([]);
  });

  it.each([
    { name: 'a line between hunks', comment: { path: 'src/a.ts', line: 10 }, error: 'Pull request review thread line must be part of the diff' },
    { name: 'a removed line on the RIGHT side', comment: { path: 'src/a.ts', line: 22 }, error: 'Pull request review thread line must be part of the diff' },
    { name: 'a file the pull request does not touch', comment: { path: 'src/b.ts', line: 1 }, error: 'Path could not be resolved' },
    { name: 'a range across hunks', comment: { path: 'src/a.ts', line: 21, start_line: 5 }, error: 'Pull request review thread start line must precede the end line, in the same hunk' },
  ])('refuses the whole review with 422 for $name', async ({ comment, error }) => {
    const gh = await double();
    const refused = await statusOf(tokenClient(gh).rest.pulls.createReview(review([{ path: 'src/a.ts', line: 5 }, comment])));
    expect(refused).toMatchObject({ status: 422, response: { data: { message: 'Unprocessable Entity', errors: [error] } } });
    expect(gh.state.reviews).toEqual([]);
  });

  it('anchors a review on an earlier commit against that commit\'s diff', async () => {
    const gh = await double();
    gh.setHead(7, 'd'.repeat(40), files(1));
    const octokit = tokenClient(gh);
    await octokit.rest.pulls.createReview(review([{ path: 'src/a.ts', line: 5 }]));
    expect(await statusOf(octokit.rest.pulls.createReview({ ...review([{ path: 'src/a.ts', line: 5 }]), commit_id: 'd'.repeat(40) }))).toMatchObject({ status: 422, response: { data: { errors: ['Path could not be resolved'] } } });
    expect(await statusOf(octokit.rest.pulls.createReview({ ...review([]), commit_id: 'e'.repeat(40) }))).toMatchObject({ status: 422 });
  });
});

describe('check runs', () => {
  const annotations = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => ({ path: 'src/a.ts', start_line: from + i + 1, end_line: from + i + 1, annotation_level: 'warning' as const, message: `finding ${from + i}` }));

  it('appends annotations across updates and refuses more than 50 in one request', async () => {
    const gh = await double();
    const octokit = tokenClient(gh);
    const created = await octokit.rest.checks.create({ ...repo, name: 'premortem', head_sha: HEAD, status: 'in_progress', output: { title: 't', summary: 's', annotations: annotations(50) } });
    expect(created.data).toMatchObject({ name: 'premortem', head_sha: HEAD, status: 'in_progress', conclusion: null, pull_requests: [{ number: 7 }] });
    const update = (count: number, extra: object = {}) => octokit.rest.checks.update({ ...repo, check_run_id: created.data.id, output: { title: 't', summary: 's', annotations: annotations(count, 50) }, ...extra });
    expect(await statusOf(update(51))).toMatchObject({ status: 422 });
    await update(30, { conclusion: 'neutral' });
    const run = gh.state.checkRuns[0];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'neutral', annotationBatches: [50, 30] });
    expect(run?.output.annotations).toHaveLength(80);
    expect(run?.output.annotations[79]?.message).toBe('finding 79');
    // The 51 were refused by the schema (maxItems) before the double's own cap; both say so.
    expect(gh.problems).toEqual([expect.stringContaining('body/output/annotations must NOT have more than 50 items')]);
  });

  it('lists the runs of a ref, filtered by name, the latest of each by default', async () => {
    const gh = await double();
    const octokit = tokenClient(gh);
    const first = await octokit.rest.checks.create({ ...repo, name: 'premortem', head_sha: HEAD });
    const second = await octokit.rest.checks.create({ ...repo, name: 'premortem', head_sha: HEAD, conclusion: 'success' });
    await octokit.rest.checks.create({ ...repo, name: 'other', head_sha: HEAD });
    await octokit.rest.checks.create({ ...repo, name: 'premortem', head_sha: BASE });
    const latest = await octokit.rest.checks.listForRef({ ...repo, ref: HEAD, check_name: 'premortem' });
    expect(latest.data.check_runs.map((run) => [run.id, run.status])).toEqual([[second.data.id, 'completed']]);
    const all = await octokit.rest.checks.listForRef({ ...repo, ref: 'feature', filter: 'all' });
    expect(all.data.total_count).toBe(3);
    expect(all.data.check_runs.map((run) => run.id)).toContain(first.data.id);
    expect(gh.problems).toEqual([]);
  });

  it('completing without a conclusion is refused, as GitHub does', async () => {
    const gh = await double();
    expect(await statusOf(tokenClient(gh).rest.checks.create({ ...repo, name: 'premortem', head_sha: HEAD, status: 'completed' }))).toMatchObject({ status: 422 });
  });
});

describe('issue comments', () => {
  it('lists page by page, creates and edits in place', async () => {
    const gh = await double({ pageSize: 2 });
    for (const body of ['one', 'two', 'three']) gh.addIssueComment({ owner: OWNER, repo: REPO, issue_number: 7, body });
    const octokit = tokenClient(gh);
    const created = await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: '<!-- marker --> summary' });
    const listed = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: 7, per_page: 100 });
    expect(listed.map((comment) => [comment.body, comment.user?.login])).toEqual([['one', 'octocat'], ['two', 'octocat'], ['three', 'octocat'], ['<!-- marker --> summary', 'premortem[bot]']]);
    await octokit.rest.issues.updateComment({ ...repo, comment_id: created.data.id, body: 'edited' });
    expect(gh.state.comments.map((comment) => comment.body)).toEqual(['one', 'two', 'three', 'edited']);
    expect(await statusOf(octokit.rest.issues.updateComment({ ...repo, comment_id: 1, body: 'x' }))).toMatchObject({ status: 404 });
    expect(gh.problems).toEqual(['PATCH /repos/acme/shop/issues/comments/1: 404 no issue comment 1 in acme/shop']);
  });
});

describe('faults and strays', () => {
  it('fails the next matching requests as asked, then serves again', async () => {
    const gh = await double();
    const octokit = tokenClient(gh);
    gh.failNext({ method: 'GET', path: /\/pulls\/7$/, status: 502, times: 2 });
    gh.failNext({ path: /\/files$/, status: 429, headers: { 'retry-after': '3' } });
    gh.failNext({ method: 'POST', path: /\/comments$/, status: 403, headers: { 'retry-after': '60' } });
    expect(await statusOf(octokit.rest.pulls.get({ ...repo, pull_number: 7 }))).toMatchObject({ status: 502 });
    expect(await statusOf(octokit.rest.pulls.get({ ...repo, pull_number: 7 }))).toMatchObject({ status: 502 });
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 7 })).status).toBe(200);
    expect(await statusOf(octokit.rest.pulls.listFiles({ ...repo, pull_number: 7 }))).toMatchObject({ status: 429, response: { headers: { 'retry-after': '3' } } });
    expect(await statusOf(octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'x' }))).toMatchObject({ status: 403, message: expect.stringContaining('secondary rate limit') as string });
    expect((await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'x' })).status).toBe(201);
    expect(gh.problems).toEqual([]);
  });

  it('answers 404 to what it does not serve, and reports it with the body violations', async () => {
    const gh = await double();
    const octokit = tokenClient(gh);
    expect(await statusOf(octokit.rest.issues.listForRepo(repo))).toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
    expect(await statusOf(octokit.request('GET /totally/made/up'))).toMatchObject({ status: 404 });
    expect(await statusOf(octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...repo, check_run_id: 1, conclusion: 'bogus' as never }))).toMatchObject({ status: 422 });
    expect(gh.problems).toEqual([
      'unexpected request: GET /repos/acme/shop/issues (issues/list-for-repo, which the double does not serve)',
      'unexpected request: GET /totally/made/up',
      expect.stringMatching(/^PATCH \/repos\/\{owner\}\/\{repo\}\/check-runs\/\{check_run_id\} \(checks\/update\): body\/conclusion must be equal to one of the allowed values/),
    ]);
  });
});

describe('pullFilesFromDirs', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gh-double-'));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    const long = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    write('base/src/kept.ts', `${long.join('\n')}\n`);
    write('base/src/gone.ts', 'export const gone = 1;\n');
    write('base/src/old-name.ts', 'export const same = "a file long enough for rename detection to find it";\n');
    write('head/src/kept.ts', `${long.map((line, i) => (i === 14 ? 'line 15 changed' : line)).join('\n')}\n`);
    write('head/src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
    write('head/src/new-name.ts', 'export const same = "a file long enough for rename detection to find it";\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives GitHub-shaped entries: statuses, counts, header-less patches', () => {
    const entries = pullFilesFromDirs(path.join(root, 'base'), path.join(root, 'head'));
    expect(entries.map((entry) => ({ ...entry, sha: undefined }))).toEqual([
      { filename: 'src/gone.ts', status: 'removed', additions: 0, deletions: 1, changes: 1, patch: '@@ -1 +0,0 @@\n-export const gone = 1;' },
      {
        filename: 'src/kept.ts',
        status: 'modified',
        additions: 1,
        deletions: 1,
        changes: 2,
        patch: '@@ -12,7 +12,7 @@ line 11\n line 12\n line 13\n line 14\n-line 15\n+line 15 changed\n line 16\n line 17\n line 18',
      },
      { filename: 'src/new-name.ts', status: 'renamed', additions: 0, deletions: 0, changes: 0, previous_filename: 'src/old-name.ts' },
      { filename: 'src/new.ts', status: 'added', additions: 2, deletions: 0, changes: 2, patch: '@@ -0,0 +1,2 @@\n+export const a = 1;\n+export const b = 2;' },
    ]);
    expect(entries.every((entry) => /^[0-9a-f]{40}$/.test(entry.sha ?? ''))).toBe(true);
    expect([...diffLines(entries[1]?.patch ?? '', 'RIGHT').keys()]).toEqual([12, 13, 14, 15, 16, 17, 18]);
  });

  it('feeds the double: a review on the changed line is taken', async () => {
    const gh = await double({}, pullFilesFromDirs(path.join(root, 'base'), path.join(root, 'head')));
    await tokenClient(gh).rest.pulls.createReview({ ...repo, pull_number: 7, event: 'COMMENT', body: 'x', comments: [{ path: 'src/kept.ts', line: 15, body: 'here' }] });
    expect(gh.state.reviews[0]?.comments).toMatchObject([{ path: 'src/kept.ts', line: 15 }]);
    expect(gh.problems).toEqual([]);
  });
});

describe('webhooks', () => {
  it('signs and delivers like GitHub: the event headers and a verifiable signature', async () => {
    const seen: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const payload = pullRequestPayload({ owner: OWNER, repo: REPO, installationId: INSTALLATION, number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main', sha: BASE }, action: 'synchronize' });
      const status = await sendWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`, { name: 'pull_request', id: 'delivery-1', payload, secret: 's3cret' });
      expect(status).toBe(202);
      const [delivery] = seen;
      expect(delivery?.headers).toMatchObject({ 'x-github-event': 'pull_request', 'x-github-delivery': 'delivery-1', 'content-type': 'application/json' });
      expect(await verifySignature('s3cret', delivery?.body ?? '', String(delivery?.headers['x-hub-signature-256']))).toBe(true);
      expect(await signWebhook('s3cret', payload)).toBe(delivery?.headers['x-hub-signature-256']);
      expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
        action: 'synchronize',
        number: 7,
        pull_request: { number: 7, state: 'open', head: { sha: HEAD, ref: 'feature' }, base: { sha: BASE, ref: 'main' } },
        repository: { name: REPO, full_name: 'acme/shop', owner: { login: OWNER }, html_url: 'https://github.com/acme/shop' },
        installation: { id: INSTALLATION },
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('builds a check_run.rerequested payload with the pull requests attached', () => {
    const payload = checkRunRerequestedPayload({ owner: OWNER, repo: REPO, installationId: INSTALLATION, checkRunId: 9, name: 'premortem', headSha: HEAD, pullRequests: [{ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main', sha: BASE } }] });
    expect(payload).toMatchObject({ action: 'rerequested', check_run: { id: 9, name: 'premortem', head_sha: HEAD, pull_requests: [{ number: 7, head: { sha: HEAD }, base: { sha: BASE } }] }, installation: { id: INSTALLATION } });
  });
});
