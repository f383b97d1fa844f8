import os from 'node:os';
import path from 'node:path';
import type { Probot, ProbotOctokit } from 'probot';
import { DEFAULT_ANALYSIS_LIMITS } from './analysis/analyze-snapshot.js';
import { JobJournal } from './job-journal.js';
import type { ReviewSettings } from './pipeline/context.js';
import { reviewPullRequest } from './pipeline/review-pull-request.js';
import { ReviewQueue, type ReviewJob } from './queue.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot/extract-tarball.js';
import { VERSION } from './version.js';
import { prepareWorkDir, snapshotsFolder } from './work-dir.js';

export const DEFAULT_SETTINGS: Omit<ReviewSettings, 'identity'> = {
  checkName: 'premortem',
  workDir: path.join(os.tmpdir(), 'premortem-bot'),
  snapshotLimits: DEFAULT_SNAPSHOT_LIMITS,
  analysisLimits: DEFAULT_ANALYSIS_LIMITS,
  incompleteConclusion: 'failure',
  settleMs: 1000,
  maxInlineComments: 20,
  maxAnnotations: 500,
  version: VERSION,
};

export interface AppOptions extends Partial<ReviewSettings> {
  /**
   * Write every accepted job to `<workDir>/queue` until it is done, and take up what a previous
   * process left there: the server's mode. The Actions entry runs one event and needs none.
   */
  durable?: boolean;
  /** `token`: the Actions entry's job token, not an installation's. */
  authentication?: 'app' | 'token';
}

export interface PremortemApp {
  (app: Probot): Promise<void>;
  /** Resolves when every queued review has run. */
  idle(): Promise<void>;
  /** Stops taking work; see `ReviewQueue.drain`. */
  drain(graceMs: number): Promise<void>;
}

/**
 * The app: a router that turns webhooks into queued reviews and answers at once. Each handler is
 * guard clauses that say why they skip, then one enqueue.
 */
export function createApp(options: AppOptions = {}): PremortemApp {
  const { durable = false, authentication = 'app', ...overrides } = options;
  let queue: ReviewQueue | undefined;

  const appFn = async (app: Probot) => {
    const identity = overrides.identity ?? (await appIdentity(app));
    const settings: ReviewSettings = { ...DEFAULT_SETTINGS, ...overrides, identity };
    const log = { info: (m: string) => app.log.info(m), warn: (m: string) => app.log.warn(m), error: (m: string) => app.log.error(m) };
    const leftovers = prepareWorkDir(settings.workDir);
    if (leftovers > 0) log.info(`removed ${leftovers} snapshot folder(s) a previous process left in ${snapshotsFolder(settings.workDir)}`);
    const octokitFor = (job: ReviewJob): Promise<ProbotOctokit> => (authentication === 'token' || job.installationId === undefined ? app.auth() : app.auth(job.installationId));
    const journal = durable ? new JobJournal(path.join(settings.workDir, 'queue'), log) : undefined;
    const activeQueue = new ReviewQueue(
      {
        run: async (job, signal) => reviewPullRequest({ octokit: await octokitFor(job), target: job.target, settings, log: prefixed(log, job), signal }, job.force),
        isCurrentHead: async (job) => {
          const octokit = await octokitFor(job);
          const { data } = await octokit.rest.pulls.get({ owner: job.target.owner, repo: job.target.repo, pull_number: job.target.pullNumber });
          return data.state === 'open' && data.head.sha === job.sha;
        },
      },
      log,
      journal,
    );
    queue = activeQueue;

    const schedule = (job: ReviewJob, say: (message: string) => void) => {
      const skipped = activeQueue.enqueue(job);
      say(skipped ? `${job.key}: not queued, ${skipped}` : `${job.key}: ${job.sha.slice(0, 7)} queued`);
    };
    const installationOf = (payload: { installation?: { id: number } }) => (authentication === 'app' ? payload.installation?.id : undefined);

    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], (context) => {
      const { pull_request: pull, repository } = context.payload;
      if (pull.state !== 'open') return context.log.info(`#${pull.number}: skipped, the pull request is ${pull.state}`);
      const target = { owner: repository.owner.login, repo: repository.name, pullNumber: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha, htmlUrl: repository.html_url };
      const installationId = installationOf(context.payload);
      schedule({ key: keyOf(target), sha: target.headSha, force: false, target, ...(installationId !== undefined ? { installationId } : {}) }, (m) => context.log.info(m));
    });

    app.on('check_run.rerequested', (context) => {
      const { check_run: run, repository } = context.payload;
      if (run.name !== settings.checkName) return context.log.info(`check run "${run.name}" is not ours: skipped`);
      const pull = run.pull_requests.find((candidate) => candidate.head.sha === run.head_sha) ?? run.pull_requests[0];
      if (!pull) return context.log.info(`check run ${run.id}: skipped, no pull request of this repository is attached (a fork's?)`);
      const target = { owner: repository.owner.login, repo: repository.name, pullNumber: pull.number, headSha: run.head_sha, baseSha: pull.base.sha, htmlUrl: repository.html_url };
      const installationId = installationOf(context.payload);
      schedule({ key: keyOf(target), sha: target.headSha, force: true, target, ...(installationId !== undefined ? { installationId } : {}) }, (m) => context.log.info(m));
    });

    const restored = activeQueue.restore();
    if (restored > 0) log.info(`taking up ${restored} review(s) a previous process had accepted and not finished`);
  };

  return Object.assign(appFn, {
    idle: () => queue?.onIdle() ?? Promise.resolve(),
    drain: (graceMs: number) => queue?.drain(graceMs) ?? Promise.resolve(),
  });
}

function keyOf(target: { owner: string; repo: string; pullNumber: number }): string {
  return `${target.owner}/${target.repo}#${target.pullNumber}`;
}

function prefixed(log: { info(m: string): void; warn(m: string): void; error(m: string): void }, job: ReviewJob) {
  const prefix = `${job.key}@${job.sha.slice(0, 7)}: `;
  return { info: (m: string) => log.info(prefix + m), warn: (m: string) => log.warn(prefix + m), error: (m: string) => log.error(prefix + m) };
}

/** Who the app is (GET /app, as the app): what it writes carries `<slug>[bot]`. */
async function appIdentity(app: Probot): Promise<ReviewSettings['identity']> {
  const octokit = await app.auth();
  const { data } = await octokit.rest.apps.getAuthenticated();
  const slug = data?.slug;
  if (!slug) throw new Error('GET /app answered without a slug: cannot tell which comments and reviews are premortem’s own.');
  return { login: `${slug}[bot]`, appSlug: slug };
}
