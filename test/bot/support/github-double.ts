// An in-memory GitHub on loopback for the bot's end-to-end tests: the REST endpoints the bot
// calls, with GitHub's rules where the bot could get them wrong (page sizes and Link headers,
// review anchors on the diff, 50 annotations per request, installation tokens), fault injection,
// and a record of every request. Request bodies are checked against GitHub's OpenAPI description
// and response bodies are GitHub's own examples with this double's state laid over them, checked
// against the same description; every disagreement lands in `problems`.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exampleResponse, findOperation, validateRequestBody, validateResponseBody, type FoundOperation } from './openapi.js';

/** One entry of GET /repos/{owner}/{repo}/pulls/{pull_number}/files, as the test states it. */
export interface PullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  changes: number;
  /** The hunks without file headers, as GitHub gives them; absent for a binary or huge file. */
  patch?: string;
  previous_filename?: string;
  /** The blob SHA; derived from the file's name and patch when not given. */
  sha?: string;
}

export interface PullRequestSeed {
  owner: string;
  repo: string;
  number: number;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  files: PullFile[];
  title?: string;
  state?: 'open' | 'closed';
  author?: string;
}

export interface RecordedRequest {
  method: string;
  /** The path without the query, e.g. `/repos/acme/shop/pulls/7/files`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, or undefined without a body. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** `pulls/list-files`; undefined for codeload and unknown paths. */
  operationId: string | undefined;
  /** Wall-clock milliseconds when the request arrived. */
  time: number;
  /** The status answered. */
  status: number;
}

export interface Fault {
  /** Any method when absent. */
  method?: string;
  /** Tested against the path without the query. */
  path: RegExp;
  /**
   * What goes wrong: `reply` (the default) answers `status` without doing anything; `hang` never
   * answers (until the double closes); `reset-before` drops the connection without doing anything;
   * `reset-after` does what was asked, then drops the connection before answering: the client
   * cannot tell which of the last two happened. `stall-body` (archive downloads) sends the
   * headers and half the archive, then nothing.
   */
  effect?: 'reply' | 'hang' | 'reset-before' | 'reset-after' | 'stall-body';
  /** The status of a `reply` fault. */
  status?: number;
  headers?: Record<string, string>;
  /** The error's `message`; a default that fits the status otherwise (the secondary-rate-limit text for 403). */
  message?: string;
  /** How many matching requests fail; 1 by default. */
  times?: number;
}

export interface CheckAnnotationState {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
  raw_details?: string;
  start_column?: number;
  end_column?: number;
}

export interface CheckRunState {
  id: number;
  owner: string;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  external_id: string;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: CheckAnnotationState[] };
  /** The annotations each create or update request carried, in order. */
  annotationBatches: number[];
}

export interface ReviewCommentState {
  id: number;
  path: string;
  line: number;
  side: 'LEFT' | 'RIGHT';
  start_line?: number;
  start_side?: 'LEFT' | 'RIGHT';
  body: string;
}

export interface ReviewState {
  id: number;
  owner: string;
  repo: string;
  pull_number: number;
  commit_id: string;
  body: string;
  event: string | undefined;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  user: string;
  submitted_at: string | null;
  comments: ReviewCommentState[];
}

export interface IssueCommentState {
  id: number;
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface GitHubDoubleOptions {
  /** The app's public key (PEM or KeyObject): the JWT of an installation-token request must verify with it. Without it, any well-formed RS256 JWT passes. */
  appPublicKey?: string | KeyObject;
  /** When given, the JWT's `iss` must be this app id. */
  appId?: number;
  /** A plain token accepted on every request, as GitHub Actions' GITHUB_TOKEN is. */
  token?: string;
  /**
   * The largest page served; GitHub's is 100. Set it small (2) so a client asking for
   * `per_page=100` still has to follow `Link` to see everything. The default page is 30 or this, whichever is smaller.
   */
  pageSize?: number;
  /** The app's slug: what it posts is by `<slug>[bot]`. Default `premortem`. */
  appSlug?: string;
  /** The clock for timestamps in state and responses. JWTs are checked against the wall clock, which is what signs them. */
  now?: () => Date;
}

export interface GitHubDouble {
  url: string;
  close(): Promise<void>;
  addPullRequest(seed: PullRequestSeed): void;
  /** A push to the pull request: a new head SHA with its files. `repository` is needed only when two repositories share the number. */
  setHead(number: number, sha: string, files: PullFile[], repository?: { owner: string; repo: string }): void;
  addTarball(owner: string, repo: string, sha: string, gzipTarball: Buffer): void;
  /** A comment already on the pull request (a human's, or an earlier run's). */
  addIssueComment(seed: { owner: string; repo: string; issue_number: number; body: string; user?: string }): IssueCommentState;
  /** A review already on the pull request, by `user` (a human by default). */
  addReview(seed: { owner: string; repo: string; pull_number: number; body: string; commit_id: string; user?: string }): ReviewState;
  /** The login of what the app (or token) writes: `<slug>[bot]`. */
  botLogin: string;
  /** Requests held by `hang` faults right now. */
  hanging(): number;
  failNext(fault: Fault): void;
  requests: RecordedRequest[];
  /** The recorded requests of one operation, e.g. `checks/update`. */
  requestsFor(operationId: string): RecordedRequest[];
  /** OpenAPI violations of requests and responses, unexpected requests, refused credentials. */
  problems: string[];
  state: { checkRuns: CheckRunState[]; reviews: ReviewState[]; comments: IssueCommentState[] };
}

interface PullState extends Required<Omit<PullRequestSeed, 'files'>> {
  id: number;
  files: PullFile[];
  /** Each head SHA's files: a review may be anchored on an earlier commit's diff. */
  filesBySha: Map<string, PullFile[]>;
  created_at: string;
  updated_at: string;
}

interface Exchange {
  method: string;
  url: URL;
  query: Record<string, string>;
  body: unknown;
  operation: FoundOperation;
  params: Record<string, string>;
}

interface Reply {
  status: number;
  body?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

/** A GitHub-shaped error reply; `problem` also lands in `problems` (a request a test did not set the double up for). */
class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly problem?: string,
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest';
const SECONDARY_RATE_LIMIT =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.';
const MAX_ANNOTATIONS_PER_REQUEST = 50;
const CODELOAD = '/_codeload';

export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pageSize = Math.min(options.pageSize ?? 100, 100);
  const slug = options.appSlug ?? 'premortem';
  const botLogin = `${slug}[bot]`;
  const publicKey = typeof options.appPublicKey === 'string' ? createPublicKey(options.appPublicKey) : options.appPublicKey;

  const pulls = new Map<string, PullState>();
  const tarballs = new Map<string, Buffer>();
  const tokens = new Map<string, { installationId: number; expires: number }>();
  const codeloadTokens = new Map<string, number>();
  const faults: Array<Fault & { remaining: number }> = [];
  const held = new Set<ServerResponse>();
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const state: GitHubDouble['state'] = { checkRuns: [], reviews: [], comments: [] };
  let nextId = 1000;
  const newId = () => ++nextId;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      problems.push(`the double failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'the GitHub double failed', status: '500' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiUrl = (p: string) => `${url}${p}`;
  const htmlUrl = (p: string) => `https://github.com${p}`;

  // ---------------------------------------------------------------- shapes (GitHub's examples + state)

  const nodeId = (kind: string, id: number) => Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
  const userExample = () => (exampleResponse('GET', '/repos/o/r/pulls/1', 200) as { user: Record<string, unknown> }).user;
  const userShape = (login: string) => {
    const isBot = login.endsWith('[bot]');
    const id = isBot ? 900_001 : 100_000 + (parseInt(createHash('sha1').update(login).digest('hex').slice(0, 6), 16) % 800_000);
    const name = encodeURIComponent(login);
    return overlay(userExample(), {
      login,
      id,
      node_id: nodeId(isBot ? 'Bot' : 'User', id),
      type: isBot ? 'Bot' : 'User',
      site_admin: false,
      url: apiUrl(`/users/${name}`),
      html_url: isBot ? htmlUrl(`/apps/${slug}`) : htmlUrl(`/${name}`),
      repos_url: apiUrl(`/users/${name}/repos`),
      events_url: apiUrl(`/users/${name}/events{/privacy}`),
      followers_url: apiUrl(`/users/${name}/followers`),
      following_url: apiUrl(`/users/${name}/following{/other_user}`),
      gists_url: apiUrl(`/users/${name}/gists{/gist_id}`),
      starred_url: apiUrl(`/users/${name}/starred{/owner}{/repo}`),
      subscriptions_url: apiUrl(`/users/${name}/subscriptions`),
      organizations_url: apiUrl(`/users/${name}/orgs`),
      received_events_url: apiUrl(`/users/${name}/received_events`),
    });
  };
  const repoId = (owner: string, repo: string) => 10_000 + (parseInt(createHash('sha1').update(`${owner}/${repo}`).digest('hex').slice(0, 6), 16) % 900_000);

  const pullShape = (pull: PullState) => {
    const example = exampleResponse('GET', '/repos/o/r/pulls/1', 200) as { base: { repo: Record<string, unknown> } };
    const repoShape = overlay(example.base.repo, {
      id: repoId(pull.owner, pull.repo),
      node_id: nodeId('Repository', repoId(pull.owner, pull.repo)),
      name: pull.repo,
      full_name: `${pull.owner}/${pull.repo}`,
      owner: userShape(pull.owner),
      html_url: htmlUrl(`/${pull.owner}/${pull.repo}`),
      url: apiUrl(`/repos/${pull.owner}/${pull.repo}`),
      private: false,
    });
    const branch = (side: { ref: string; sha: string }) => ({ label: `${pull.owner}:${side.ref}`, ref: side.ref, sha: side.sha, user: userShape(pull.owner), repo: repoShape });
    const base = `/repos/${pull.owner}/${pull.repo}`;
    const files = pull.files;
    return overlay(example, {
      id: pull.id,
      node_id: nodeId('PullRequest', pull.id),
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: null,
      user: userShape(pull.author),
      url: apiUrl(`${base}/pulls/${pull.number}`),
      html_url: htmlUrl(`/${pull.owner}/${pull.repo}/pull/${pull.number}`),
      diff_url: htmlUrl(`/${pull.owner}/${pull.repo}/pull/${pull.number}.diff`),
      patch_url: htmlUrl(`/${pull.owner}/${pull.repo}/pull/${pull.number}.patch`),
      issue_url: apiUrl(`${base}/issues/${pull.number}`),
      commits_url: apiUrl(`${base}/pulls/${pull.number}/commits`),
      review_comments_url: apiUrl(`${base}/pulls/${pull.number}/comments`),
      review_comment_url: apiUrl(`${base}/pulls/comments{/number}`),
      comments_url: apiUrl(`${base}/issues/${pull.number}/comments`),
      statuses_url: apiUrl(`${base}/statuses/${pull.head.sha}`),
      head: branch(pull.head),
      base: branch(pull.base),
      created_at: pull.created_at,
      updated_at: pull.updated_at,
      closed_at: pull.state === 'closed' ? pull.updated_at : null,
      merged_at: null,
      merged: false,
      merged_by: null,
      merge_commit_sha: null,
      draft: false,
      labels: [],
      milestone: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      auto_merge: null,
      comments: state.comments.filter((c) => c.owner === pull.owner && c.repo === pull.repo && c.issue_number === pull.number).length,
      review_comments: state.reviews.filter((r) => r.owner === pull.owner && r.repo === pull.repo && r.pull_number === pull.number).reduce((n, r) => n + r.comments.length, 0),
      commits: pull.filesBySha.size,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changed_files: files.length,
      _links: {
        self: { href: apiUrl(`${base}/pulls/${pull.number}`) },
        html: { href: htmlUrl(`/${pull.owner}/${pull.repo}/pull/${pull.number}`) },
        issue: { href: apiUrl(`${base}/issues/${pull.number}`) },
        comments: { href: apiUrl(`${base}/issues/${pull.number}/comments`) },
        review_comments: { href: apiUrl(`${base}/pulls/${pull.number}/comments`) },
        review_comment: { href: apiUrl(`${base}/pulls/comments{/number}`) },
        commits: { href: apiUrl(`${base}/pulls/${pull.number}/commits`) },
        statuses: { href: apiUrl(`${base}/statuses/${pull.head.sha}`) },
      },
    });
  };

  const fileShape = (pull: PullState, file: PullFile) => {
    const sha = file.sha ?? createHash('sha1').update(`${file.filename}\0${file.patch ?? ''}`).digest('hex');
    const name = file.filename.split('/').map(encodeURIComponent).join('/');
    return overlay(exampleResponse('GET', '/repos/o/r/pulls/1/files', 200), {
      sha,
      filename: file.filename,
      status: file.status,
      additions: file.additions,
      deletions: file.deletions,
      changes: file.changes,
      blob_url: htmlUrl(`/${pull.owner}/${pull.repo}/blob/${pull.head.sha}/${name}`),
      raw_url: htmlUrl(`/${pull.owner}/${pull.repo}/raw/${pull.head.sha}/${name}`),
      contents_url: apiUrl(`/repos/${pull.owner}/${pull.repo}/contents/${name}?ref=${pull.head.sha}`),
      patch: file.patch,
      previous_filename: file.previous_filename,
    });
  };

  const checkRunShape = (run: CheckRunState) => {
    const base = `/repos/${run.owner}/${run.repo}`;
    const minimalRepo = { id: repoId(run.owner, run.repo), url: apiUrl(base), name: run.repo };
    return overlay(exampleResponse('PATCH', '/repos/o/r/check-runs/1', 200), {
      id: run.id,
      node_id: nodeId('CheckRun', run.id),
      head_sha: run.head_sha,
      name: run.name,
      external_id: run.external_id,
      url: apiUrl(`${base}/check-runs/${run.id}`),
      html_url: htmlUrl(`/${run.owner}/${run.repo}/runs/${run.id}`),
      details_url: run.details_url,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      output: {
        title: run.output.title,
        summary: run.output.summary,
        text: run.output.text,
        annotations_count: run.output.annotations.length,
        annotations_url: apiUrl(`${base}/check-runs/${run.id}/annotations`),
      },
      check_suite: { id: run.id + 500_000 },
      app: { id: 1, slug, name: slug, owner: userShape(run.owner), html_url: htmlUrl(`/apps/${slug}`) },
      pull_requests: [...pulls.values()]
        .filter((pull) => pull.owner === run.owner && pull.repo === run.repo && pull.state === 'open' && pull.head.sha === run.head_sha)
        .map((pull) => ({
          url: apiUrl(`${base}/pulls/${pull.number}`),
          id: pull.id,
          number: pull.number,
          head: { ref: pull.head.ref, sha: pull.head.sha, repo: minimalRepo },
          base: { ref: pull.base.ref, sha: pull.base.sha, repo: minimalRepo },
        })),
    });
  };

  const reviewShape = (review: ReviewState) => {
    const pullPath = `/${review.owner}/${review.repo}/pull/${review.pull_number}`;
    const pullApi = apiUrl(`/repos/${review.owner}/${review.repo}/pulls/${review.pull_number}`);
    return overlay(exampleResponse('POST', '/repos/o/r/pulls/1/reviews', 200), {
      id: review.id,
      node_id: nodeId('PullRequestReview', review.id),
      user: userShape(review.user),
      body: review.body,
      state: review.state,
      html_url: htmlUrl(`${pullPath}#pullrequestreview-${review.id}`),
      pull_request_url: pullApi,
      _links: { html: { href: htmlUrl(`${pullPath}#pullrequestreview-${review.id}`) }, pull_request: { href: pullApi } },
      submitted_at: review.submitted_at ?? undefined,
      commit_id: review.commit_id,
      author_association: review.user === botLogin ? 'NONE' : 'CONTRIBUTOR',
    });
  };

  const commentShape = (comment: IssueCommentState) =>
    overlay(exampleResponse('POST', '/repos/o/r/issues/1/comments', 201), {
      id: comment.id,
      node_id: nodeId('IssueComment', comment.id),
      url: apiUrl(`/repos/${comment.owner}/${comment.repo}/issues/comments/${comment.id}`),
      html_url: htmlUrl(`/${comment.owner}/${comment.repo}/pull/${comment.issue_number}#issuecomment-${comment.id}`),
      issue_url: apiUrl(`/repos/${comment.owner}/${comment.repo}/issues/${comment.issue_number}`),
      body: comment.body,
      user: userShape(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: comment.user === botLogin ? 'NONE' : 'CONTRIBUTOR',
      performed_via_github_app: null,
      reactions: undefined,
    });

  // ---------------------------------------------------------------- state helpers

  const pullKey = (owner: string, repo: string, number: number) => `${owner}/${repo}#${number}`.toLowerCase();
  const getPull = (params: Record<string, string>, numberParam: string): PullState => {
    const owner = params.owner ?? '';
    const repo = params.repo ?? '';
    const number = Number(params[numberParam]);
    const pull = pulls.get(pullKey(owner, repo, number));
    if (!pull) throw new GitHubError(404, 'Not Found', {}, `no pull request ${owner}/${repo}#${params[numberParam]} in the double (addPullRequest first)`);
    return pull;
  };
  const resolveSha = (owner: string, repo: string, ref: string): string => {
    for (const pull of pulls.values()) {
      if (pull.owner.toLowerCase() !== owner.toLowerCase() || pull.repo.toLowerCase() !== repo.toLowerCase()) continue;
      if (pull.head.ref === ref) return pull.head.sha;
      if (pull.base.ref === ref) return pull.base.sha;
    }
    return ref;
  };

  /** GitHub's page: `per_page` honoured up to the page size, 1-based `page`, a Link header with next/last (and first/prev past page 1). */
  const paginate = <T>(exchange: Exchange, items: T[]): { items: T[]; headers: Record<string, string> } => {
    const asked = Number.parseInt(exchange.query.per_page ?? '', 10);
    const perPage = Math.max(1, Math.min(Number.isFinite(asked) ? asked : 30, pageSize));
    const page = Math.max(1, Number.parseInt(exchange.query.page ?? '', 10) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(exchange.url.href);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(n));
      return `<${url}${target.pathname}${target.search}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
  };

  // ---------------------------------------------------------------- handlers, by operationId

  const handlers: Record<string, (exchange: Exchange) => Reply> = {
    'apps/create-installation-access-token': ({ operation, body }) => issueToken(operation, body),

    'repos/download-tarball-archive': ({ params }) => {
      const owner = params.owner ?? '';
      const repo = params.repo ?? '';
      const sha = resolveSha(owner, repo, params.ref ?? '');
      if (!tarballs.has(`${owner}/${repo}@${sha}`.toLowerCase())) throw new GitHubError(404, 'Not Found', {}, `no tarball of ${owner}/${repo}@${params.ref} in the double (addTarball first)`);
      const token = randomBytes(16).toString('hex');
      codeloadTokens.set(token, Date.now() + 5 * 60_000);
      return { status: 302, headers: { location: `${url}${CODELOAD}/${owner}/${repo}/legacy.tar.gz/${sha}?token=${token}` } };
    },

    'pulls/get': ({ params }) => ({ status: 200, body: pullShape(getPull(params, 'pull_number')) }),

    'apps/get-authenticated': () => ({
      status: 200,
      body: overlay(exampleResponse('GET', '/app', 200), { id: options.appId ?? 1, slug, name: slug, html_url: htmlUrl(`/apps/${slug}`) }),
    }),

    'checks/get': ({ params }) => {
      const run = state.checkRuns.find((candidate) => candidate.id === Number(params.check_run_id) && candidate.owner === params.owner && candidate.repo === params.repo);
      if (!run) throw new GitHubError(404, 'Not Found', {}, `no check run ${params.check_run_id} in ${params.owner}/${params.repo}`);
      return { status: 200, body: checkRunShape(run) };
    },

    'pulls/list-files': (exchange) => {
      const pull = getPull(exchange.params, 'pull_number');
      const page = paginate(exchange, pull.files);
      return { status: 200, body: page.items.map((file) => fileShape(pull, file)), headers: page.headers };
    },

    'checks/create': ({ params, body }) => {
      const input = body as CheckRunInput & { name: string; head_sha: string };
      const annotations = takeAnnotations(input);
      const run: CheckRunState = {
        id: newId(),
        owner: params.owner ?? '',
        repo: params.repo ?? '',
        name: input.name,
        head_sha: input.head_sha,
        status: 'queued',
        conclusion: null,
        started_at: iso(),
        completed_at: null,
        external_id: input.external_id ?? '',
        details_url: input.details_url ?? null,
        output: { title: null, summary: null, text: null, annotations: [] },
        annotationBatches: [],
      };
      applyCheckRunInput(run, input, annotations);
      state.checkRuns.push(run);
      return { status: 201, body: checkRunShape(run) };
    },

    'checks/update': ({ params, body }) => {
      const run = state.checkRuns.find((candidate) => candidate.id === Number(params.check_run_id) && candidate.owner === params.owner && candidate.repo === params.repo);
      if (!run) throw new GitHubError(404, 'Not Found', {}, `no check run ${params.check_run_id} in ${params.owner}/${params.repo}`);
      const input = body as CheckRunInput;
      applyCheckRunInput(run, input, takeAnnotations(input));
      return { status: 200, body: checkRunShape(run) };
    },

    'checks/list-for-ref': (exchange) => {
      const { params, query } = exchange;
      const sha = resolveSha(params.owner ?? '', params.repo ?? '', params.ref ?? '');
      let runs = state.checkRuns.filter((run) => run.owner === params.owner && run.repo === params.repo && run.head_sha === sha);
      if (query.check_name !== undefined) runs = runs.filter((run) => run.name === query.check_name);
      if (query.status !== undefined) runs = runs.filter((run) => run.status === query.status);
      // `filter=latest` (the default): the most recent run of each name.
      if ((query.filter ?? 'latest') === 'latest') runs = runs.filter((run) => !runs.some((other) => other.name === run.name && other.id > run.id));
      runs = [...runs].sort((a, b) => b.id - a.id);
      const page = paginate(exchange, runs);
      return { status: 200, body: { total_count: runs.length, check_runs: page.items.map(checkRunShape) }, headers: page.headers };
    },

    'pulls/list-reviews': (exchange) => {
      const pull = getPull(exchange.params, 'pull_number');
      const reviews = state.reviews.filter((review) => review.owner === pull.owner && review.repo === pull.repo && review.pull_number === pull.number);
      const page = paginate(exchange, reviews);
      return { status: 200, body: page.items.map(reviewShape), headers: page.headers };
    },

    'pulls/create-review': ({ params, body, operation }) => {
      const pull = getPull(params, 'pull_number');
      const input = body as ReviewInput;
      const commitId = input.commit_id ?? pull.head.sha;
      const files = pull.filesBySha.get(commitId);
      const refuse = (errors: string[]) => new GitHubError(422, 'Unprocessable Entity', { errors, documentation_url: docsOf(operation) });
      if (!files) throw refuse([`No commit found for SHA: ${commitId}`]);
      const event = input.event;
      const comments = input.comments ?? [];
      if ((event === 'COMMENT' || event === 'REQUEST_CHANGES') && !input.body && comments.length === 0) throw refuse([`Review body is required for event ${event}`]);
      const anchored: ReviewCommentState[] = [];
      for (const comment of comments) {
        const file = files.find((candidate) => candidate.filename === comment.path);
        if (!file) throw refuse(['Path could not be resolved']);
        if (comment.line === undefined) throw refuse(['Pull request review thread line must be part of the diff (the double anchors by line, not position)']);
        const side = comment.side ?? 'RIGHT';
        const startSide = comment.start_side ?? side;
        const hunks = file.patch === undefined ? new Map<number, number>() : diffLines(file.patch, side);
        const hunk = hunks.get(comment.line);
        if (hunk === undefined) throw refuse(['Pull request review thread line must be part of the diff']);
        if (comment.start_line !== undefined) {
          const startHunk = (file.patch === undefined ? new Map<number, number>() : diffLines(file.patch, startSide)).get(comment.start_line);
          if (startHunk === undefined) throw refuse(['Pull request review thread start line must be part of the diff']);
          if (startHunk !== hunk || (startSide === side && comment.start_line >= comment.line)) throw refuse(['Pull request review thread start line must precede the end line, in the same hunk']);
        }
        anchored.push({
          id: newId(),
          path: comment.path,
          line: comment.line,
          side,
          ...(comment.start_line === undefined ? {} : { start_line: comment.start_line, start_side: startSide }),
          body: comment.body,
        });
      }
      const review: ReviewState = {
        id: newId(),
        owner: pull.owner,
        repo: pull.repo,
        pull_number: pull.number,
        commit_id: commitId,
        body: input.body ?? '',
        event,
        state: event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
        user: botLogin,
        submitted_at: event === undefined ? null : iso(),
        comments: anchored,
      };
      state.reviews.push(review);
      return { status: 200, body: reviewShape(review) };
    },

    'issues/list-comments': (exchange) => {
      const pull = getPull(exchange.params, 'issue_number');
      const comments = state.comments.filter((comment) => comment.owner === pull.owner && comment.repo === pull.repo && comment.issue_number === pull.number);
      const page = paginate(exchange, comments);
      return { status: 200, body: page.items.map(commentShape), headers: page.headers };
    },

    'issues/create-comment': ({ params, body }) => {
      const pull = getPull(params, 'issue_number');
      const comment = addComment({ owner: pull.owner, repo: pull.repo, issue_number: pull.number, body: (body as { body: string }).body, user: botLogin });
      return { status: 201, body: commentShape(comment) };
    },

    'issues/update-comment': ({ params, body }) => {
      const comment = state.comments.find((candidate) => candidate.id === Number(params.comment_id) && candidate.owner === params.owner && candidate.repo === params.repo);
      if (!comment) throw new GitHubError(404, 'Not Found', {}, `no issue comment ${params.comment_id} in ${params.owner}/${params.repo}`);
      comment.body = (body as { body: string }).body;
      comment.updated_at = iso();
      return { status: 200, body: commentShape(comment) };
    },
  };

  const takeAnnotations = (input: CheckRunInput): CheckAnnotationState[] => {
    const annotations = input.output?.annotations ?? [];
    if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
      throw new GitHubError(422, `Invalid request.\n\nOnly ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request (got ${annotations.length}).`, {
        documentation_url: 'https://docs.github.com/rest/checks/runs#update-a-check-run',
      });
    }
    return annotations;
  };

  const applyCheckRunInput = (run: CheckRunState, input: CheckRunInput, annotations: CheckAnnotationState[]) => {
    if (input.name !== undefined) run.name = input.name;
    if (input.details_url !== undefined) run.details_url = input.details_url;
    if (input.external_id !== undefined) run.external_id = input.external_id;
    if (input.started_at !== undefined) run.started_at = input.started_at;
    if (input.status !== undefined) run.status = input.status;
    // A conclusion completes the run; completing one needs a conclusion.
    if (input.conclusion !== undefined) {
      run.conclusion = input.conclusion;
      run.status = 'completed';
    }
    if ((run.status === 'completed' || input.completed_at !== undefined) && run.conclusion === null) {
      throw new GitHubError(422, 'Invalid request.\n\nconclusion is required when status is completed or completed_at is given.');
    }
    if (run.status === 'completed') run.completed_at = input.completed_at ?? run.completed_at ?? iso();
    if (input.output) {
      run.output.title = input.output.title ?? run.output.title;
      run.output.summary = input.output.summary ?? run.output.summary;
      run.output.text = input.output.text ?? run.output.text;
    }
    // Annotations are appended across requests, as GitHub does.
    run.output.annotations.push(...annotations);
    run.annotationBatches.push(annotations.length);
  };

  const addComment = (seed: { owner: string; repo: string; issue_number: number; body: string; user: string }): IssueCommentState => {
    const at = iso();
    const comment: IssueCommentState = { id: newId(), ...seed, created_at: at, updated_at: at };
    state.comments.push(comment);
    return comment;
  };

  // ---------------------------------------------------------------- the server

  /** GitHub's rate-limit headers on API answers: 5,000 an hour per credential, counted down. */
  const usedBy = new Map<string, number>();
  const rateLimitHeaders = (request: IncomingMessage): Record<string, string> => {
    const credential = request.headers.authorization;
    if (!credential || request.url?.startsWith('/_codeload/')) return {};
    const used = (usedBy.get(credential) ?? 0) + 1;
    usedBy.set(credential, used);
    return { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(Math.max(0, 5000 - used)), 'x-ratelimit-used': String(used), 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600), 'x-ratelimit-resource': 'core' };
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const method = (request.method ?? 'GET').toUpperCase();
    const requestUrl = new URL(request.url ?? '/', url);
    const query = Object.fromEntries(requestUrl.searchParams);
    const record: RecordedRequest = { method, path: requestUrl.pathname, query, body: undefined, headers: request.headers, operationId: undefined, time: Date.now(), status: 0 };
    requests.push(record);
    const send = (reply: Reply) => {
      record.status = reply.status;
      const payload = reply.raw ?? (reply.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body)));
      const type = reply.raw ? {} : reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' };
      response.writeHead(reply.status, { ...type, 'content-length': String(payload.length), 'x-github-request-id': `DOUBLE:${requests.length}`, ...rateLimitHeaders(request), ...reply.headers });
      response.end(payload);
    };
    const fail = (status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      send({ status, body: { message, documentation_url: DOCS, ...extra, status: String(status) }, headers });

    if (raw.length > 0) {
      try {
        record.body = JSON.parse(raw.toString('utf8'));
      } catch {
        problems.push(`${method} ${requestUrl.pathname}: the body is not JSON`);
        return fail(400, 'Problems parsing JSON');
      }
    }

    const operation = requestUrl.pathname.startsWith(`${CODELOAD}/`) ? undefined : findOperation(method, requestUrl.pathname);
    record.operationId = operation?.operationId;

    // Faults apply to the archive host's downloads too (`path` tested against /_codeload/…).
    const fault = faults.find((candidate) => (candidate.method === undefined || candidate.method.toUpperCase() === method) && candidate.path.test(requestUrl.pathname));
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
    }
    const effect = fault?.effect ?? 'reply';
    const hold = () => {
      held.add(response);
      response.once('close', () => held.delete(response));
    };
    if (fault && effect === 'hang') {
      record.status = -1;
      return hold();
    }
    if (fault && effect === 'reset-before') {
      record.status = -1;
      request.socket.destroy();
      return;
    }

    if (requestUrl.pathname.startsWith(`${CODELOAD}/`)) {
      const reply = codeload(requestUrl);
      if (fault && effect === 'stall-body' && reply.raw) {
        // The headers and half the archive, then nothing more.
        record.status = reply.status;
        response.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.raw.length) });
        response.write(reply.raw.subarray(0, Math.floor(reply.raw.length / 2)));
        return hold();
      }
      return send(reply);
    }

    const handler = operation && handlers[operation.operationId];
    if (!operation || !handler) {
      problems.push(`unexpected request: ${method} ${requestUrl.pathname}${requestUrl.search}${operation ? ` (${operation.operationId}, which the double does not serve)` : ''}`);
      return fail(404, 'Not Found');
    }

    if (fault) {
      if (effect === 'reply') {
        const status = fault.status ?? 500;
        return fail(status, fault.message ?? defaultFaultMessage(status), {}, fault.headers);
      }
    }

    // The app's own endpoints take its JWT; the rest an installation (or job) token.
    const asApp = operation.operationId === 'apps/create-installation-access-token' || operation.operationId === 'apps/get-authenticated';
    const refused = asApp ? checkAppJwt(request.headers.authorization) : checkToken(request.headers.authorization);
    if (refused) {
      problems.push(`${method} ${requestUrl.pathname}: 401 ${refused}`);
      return fail(401, refused === 'no Authorization header' ? 'Requires authentication' : 'Bad credentials');
    }

    const bodyProblems = validateRequestBody(method, requestUrl.pathname, record.body);
    if (bodyProblems.length > 0) {
      problems.push(...bodyProblems);
      return fail(422, `Invalid request.\n\n${bodyProblems.join('\n')}`, { documentation_url: docsOf(operation) });
    }

    let reply: Reply;
    try {
      reply = handler({ method, url: requestUrl, query, body: record.body, operation, params: operation.params });
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      if (error.problem) problems.push(`${method} ${requestUrl.pathname}: ${error.status} ${error.problem}`);
      return fail(error.status, error.message, error.extra);
    }
    if (reply.body !== undefined) problems.push(...validateResponseBody(method, requestUrl.pathname, reply.status, reply.body));
    if (fault?.effect === 'reset-after') {
      // Done, and the answer lost.
      record.status = -reply.status;
      request.socket.destroy();
      return;
    }
    return send(reply);
  }

  const issueToken = (operation: FoundOperation, body: unknown): Reply => {
    const installationId = Number(operation.params.installation_id);
    const token = `ghs_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
    const expires = Date.now() + 60 * 60_000;
    tokens.set(token, { installationId, expires });
    const asked = (body as { permissions?: Record<string, string> } | undefined)?.permissions;
    const example = exampleResponse('POST', '/app/installations/1/access_tokens', 201) as Record<string, unknown>;
    return {
      status: 201,
      body: overlay(example, {
        token,
        expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: asked ?? { checks: 'write', contents: 'read', issues: 'write', metadata: 'read', pull_requests: 'write' },
        repository_selection: 'all',
        repositories: undefined,
      }),
    };
  };

  /** Why an installation-token request's `Authorization: Bearer <JWT>` is refused, or undefined. */
  const checkAppJwt = (authorization: string | undefined): string | undefined => {
    if (!authorization) return 'no Authorization header';
    const match = /^bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return 'an installation token needs "Authorization: Bearer <the app\'s JWT>"';
    const parts = match[1].split('.');
    if (parts.length !== 3) return 'the bearer credential is not a JWT';
    const [header, payload, signature] = parts as [string, string, string];
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
      if (alg !== 'RS256') return `the JWT is signed with ${String(alg)}, GitHub takes RS256`;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return 'the JWT does not decode';
    }
    if (publicKey && !verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))) return "the JWT's signature does not verify with the app's public key";
    const seconds = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'the JWT lacks iat or exp';
    if (claims.exp <= seconds) return 'the JWT has expired';
    if (claims.iat > seconds + 60) return "the JWT's iat is in the future";
    if (claims.exp - seconds > 600 + 60) return 'the JWT expires more than 10 minutes from now';
    if (options.appId !== undefined && String(claims.iss) !== String(options.appId)) return `the JWT's iss is ${String(claims.iss)}, not app ${options.appId}`;
    return undefined;
  };

  /** Why an API request's token is refused, or undefined. */
  const checkToken = (authorization: string | undefined): string | undefined => {
    if (!authorization) return 'no Authorization header';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization);
    const token = match?.[1];
    if (!token) return `an unreadable Authorization header (${authorization.split(' ')[0]} …)`;
    if (options.token !== undefined && token === options.token) return undefined;
    const issued = tokens.get(token);
    if (!issued) return token.split('.').length === 3 ? 'a JWT where an installation token belongs' : 'a token this double never issued';
    if (issued.expires <= Date.now()) return 'an expired installation token';
    return undefined;
  };

  const codeload = (requestUrl: URL): Reply => {
    const match = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([^/]+)$/.exec(requestUrl.pathname);
    const token = requestUrl.searchParams.get('token') ?? '';
    const expires = codeloadTokens.get(token);
    const tarball = match && tarballs.get(`${match[1]}/${match[2]}@${match[3]}`.toLowerCase());
    if (!match || !tarball || expires === undefined || expires < Date.now()) {
      problems.push(`unexpected codeload request: ${requestUrl.pathname} (${expires === undefined ? 'unknown token' : 'expired token'})`);
      return { status: 404, raw: Buffer.from('404: Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    }
    return {
      status: 200,
      raw: tarball,
      headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${match[1]}-${match[2]}-${(match[3] ?? '').slice(0, 7)}.tar.gz` },
    };
  };

  const findPullByNumber = (number: number, repository?: { owner: string; repo: string }): PullState => {
    const matches = [...pulls.values()].filter((pull) => pull.number === number && (!repository || (pull.owner === repository.owner && pull.repo === repository.repo)));
    if (matches.length !== 1 || !matches[0]) throw new Error(`setHead: ${matches.length === 0 ? 'no' : 'more than one'} pull request #${number}${matches.length > 1 ? '; name the repository' : ''}`);
    return matches[0];
  };

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    botLogin,
    hanging: () => held.size,
    addReview(seed) {
      const review: ReviewState = {
        id: newId(),
        owner: seed.owner,
        repo: seed.repo,
        pull_number: seed.pull_number,
        commit_id: seed.commit_id,
        body: seed.body,
        event: 'COMMENT',
        state: 'COMMENTED',
        user: seed.user ?? 'octocat',
        submitted_at: iso(),
        comments: [],
      };
      state.reviews.push(review);
      return review;
    },
    addPullRequest(seed) {
      const at = iso();
      const pull: PullState = {
        title: `Pull request #${seed.number}`,
        state: 'open',
        author: 'octocat',
        ...seed,
        id: newId(),
        files: [...seed.files],
        filesBySha: new Map([[seed.head.sha, [...seed.files]]]),
        created_at: at,
        updated_at: at,
      };
      pulls.set(pullKey(seed.owner, seed.repo, seed.number), pull);
    },
    setHead(number, sha, files, repository) {
      const pull = findPullByNumber(number, repository);
      pull.head = { ...pull.head, sha };
      pull.files = [...files];
      pull.filesBySha.set(sha, [...files]);
      pull.updated_at = iso();
    },
    addTarball(owner, repo, sha, gzipTarball) {
      tarballs.set(`${owner}/${repo}@${sha}`.toLowerCase(), gzipTarball);
    },
    addIssueComment(seed) {
      return addComment({ ...seed, user: seed.user ?? 'octocat' });
    },
    failNext(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    requests,
    requestsFor: (operationId) => requests.filter((request) => request.operationId === operationId),
    problems,
    state,
  };
}

interface CheckRunInput {
  name?: string;
  details_url?: string;
  external_id?: string;
  status?: string;
  started_at?: string;
  conclusion?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: CheckAnnotationState[] };
}

interface ReviewInput {
  commit_id?: string;
  body?: string;
  event?: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
  comments?: Array<{ path: string; line?: number; position?: number; side?: 'LEFT' | 'RIGHT'; start_line?: number; start_side?: 'LEFT' | 'RIGHT'; body: string }>;
}

function docsOf(operation: FoundOperation): string {
  const docs = (operation.operation as { externalDocs?: { url?: unknown } }).externalDocs?.url;
  return typeof docs === 'string' ? docs : DOCS;
}

function defaultFaultMessage(status: number): string {
  if (status === 403) return SECONDARY_RATE_LIMIT;
  if (status === 429) return 'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.';
  if (status >= 500) return 'Server Error';
  return 'Injected failure';
}

/**
 * The lines a review comment can sit on, for one side of a patch: line number → index of its
 * hunk. RIGHT counts the new file's context and added lines; LEFT the old file's context and removed lines.
 */
export function diffLines(patch: string, side: 'LEFT' | 'RIGHT'): Map<number, number> {
  const lines = new Map<number, number>();
  let hunk = -1;
  let oldLine = 0;
  let newLine = 0;
  for (const text of patch.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      hunk += 1;
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      continue;
    }
    if (hunk < 0 || text === '' || text.startsWith('\\')) continue;
    const mark = text[0] ?? ' ';
    if (mark === '+') {
      if (side === 'RIGHT') lines.set(newLine, hunk);
      newLine += 1;
    } else if (mark === '-') {
      if (side === 'LEFT') lines.set(oldLine, hunk);
      oldLine += 1;
    } else {
      lines.set(side === 'RIGHT' ? newLine : oldLine, hunk);
      oldLine += 1;
      newLine += 1;
    }
  }
  return lines;
}

/**
 * GitHub-shaped `files` entries for the change from `baseDir` to `headDir`, from
 * `git diff --no-index` (renames detected): status, counts, and the patch as GitHub gives it, the
 * hunks without the file headers.
 */
export function pullFilesFromDirs(baseDir: string, headDir: string): PullFile[] {
  const base = path.resolve(baseDir);
  const head = path.resolve(headDir);
  const root = commonAncestor(base, head);
  const relBase = path.relative(root, base).split(path.sep).join('/');
  const relHead = path.relative(root, head).split(path.sep).join('/');
  const result = spawnSync(
    'git',
    [
      '-c', 'core.quotePath=false',
      '-c', 'diff.noprefix=false',
      '-c', 'diff.mnemonicPrefix=false',
      'diff', '--no-index', '--no-color', '--no-ext-diff', '--no-textconv', '--full-index', '-M', '--unified=3',
      '--src-prefix=a/', '--dst-prefix=b/',
      relBase, relHead,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
  );
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) throw new Error(`git diff --no-index failed (${result.status}): ${result.stderr}`);
  const strip = (p: string) => {
    for (const prefix of [`${relBase}/`, `${relHead}/`]) if (p.startsWith(prefix)) return p.slice(prefix.length);
    return p;
  };
  const files: PullFile[] = [];
  for (const section of result.stdout.split(/^(?=diff --git )/m)) {
    if (!section.startsWith('diff --git ')) continue;
    const lines = section.replace(/\n$/, '').split('\n');
    const hunkStart = lines.findIndex((line) => line.startsWith('@@ '));
    const headerLines = hunkStart < 0 ? lines : lines.slice(0, hunkStart);
    const patchLines = hunkStart < 0 ? [] : lines.slice(hunkStart);
    const field = (prefix: string) => headerLines.find((line) => line.startsWith(prefix))?.slice(prefix.length);
    const minus = field('--- ');
    const plus = field('+++ ');
    const renameFrom = field('rename from ');
    const renameTo = field('rename to ');
    let oldName = minus === undefined || minus === '/dev/null' ? undefined : strip(minus.replace(/^a\//, ''));
    let newName = plus === undefined || plus === '/dev/null' ? undefined : strip(plus.replace(/^b\//, ''));
    if (renameFrom !== undefined) oldName = strip(renameFrom);
    if (renameTo !== undefined) newName = strip(renameTo);
    if (oldName === undefined && newName === undefined) {
      // A binary file: only the `diff --git a/… b/…` line names it.
      const names = /^diff --git a\/(.*) b\/(.*)$/.exec(lines[0] ?? '');
      const name = strip(names?.[2] ?? names?.[1] ?? '');
      if (headerLines.some((line) => line.startsWith('new file mode'))) newName = name;
      else if (headerLines.some((line) => line.startsWith('deleted file mode'))) oldName = name;
      else oldName = newName = name;
    }
    const status: PullFile['status'] =
      renameFrom !== undefined ? 'renamed' : headerLines.some((line) => line.startsWith('new file mode')) ? 'added' : headerLines.some((line) => line.startsWith('deleted file mode')) ? 'removed' : 'modified';
    const additions = patchLines.filter((line) => line.startsWith('+')).length;
    const deletions = patchLines.filter((line) => line.startsWith('-')).length;
    // The blob SHA, as git computes it: of the new contents, or the old for a removed file.
    const blob = status === 'removed' ? blobSha(path.join(base, oldName ?? '')) : blobSha(path.join(head, newName ?? ''));
    files.push({
      filename: (newName ?? oldName) as string,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      ...(patchLines.length > 0 ? { patch: patchLines.join('\n') } : {}),
      ...(status === 'renamed' && oldName !== undefined ? { previous_filename: oldName } : {}),
      sha: blob,
    });
  }
  return files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

function blobSha(file: string): string {
  const contents = readFileSync(file);
  return createHash('sha1').update(`blob ${contents.length}\0`).update(contents).digest('hex');
}

function commonAncestor(a: string, b: string): string {
  let candidate = a;
  while (path.relative(candidate, b).startsWith('..') || path.isAbsolute(path.relative(candidate, b))) candidate = path.dirname(candidate);
  return candidate;
}

/** `patch` laid over GitHub's example: nested objects merged, anything else replaced, `undefined` removes the key. */
function overlay(example: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = isPlainObject(example) ? { ...example } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete result[key];
    else if (isPlainObject(value) && isPlainObject(result[key])) result[key] = overlay(result[key], value);
    else result[key] = value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
