import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context, Probot } from 'probot';
import { DEFAULT_ANALYSIS_LIMITS } from './analysis/analyze-snapshot.js';
import type { ReviewSettings, ReviewTarget } from './pipeline/context.js';
import { reviewPullRequest } from './pipeline/review-pull-request.js';
import { ReviewQueue } from './queue.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot/extract-tarball.js';
import { VERSION } from './version.js';

export const DEFAULT_SETTINGS: ReviewSettings = {
  checkName: 'premortem',
  workDir: path.join(os.tmpdir(), 'premortem-bot'),
  snapshotLimits: DEFAULT_SNAPSHOT_LIMITS,
  analysisLimits: DEFAULT_ANALYSIS_LIMITS,
  maxInlineComments: 20,
  maxAnnotations: 500,
  version: VERSION,
};

export interface PremortemApp {
  (app: Probot): void;
  /** Resolves when every queued review has run. */
  idle(): Promise<void>;
}

/**
 * The app: a router that turns webhooks into queued reviews and answers at once. Each handler is
 * guard clauses that say why they skip, then one enqueue.
 */
export function createApp(overrides: Partial<ReviewSettings> = {}): PremortemApp {
  const settings = { ...DEFAULT_SETTINGS, ...overrides };
  let queue: ReviewQueue | undefined;

  const appFn = (app: Probot) => {
    mkdirSync(settings.workDir, { recursive: true });
    const activeQueue = new ReviewQueue({ info: (m) => app.log.info(m), error: (m) => app.log.error(m) });
    queue = activeQueue;

    const schedule = (context: Context, target: ReviewTarget, force: boolean) => {
      const key = `${target.owner}/${target.repo}#${target.pullNumber}`;
      const octokit = context.octokit;
      const log = { info: (m: string) => context.log.info(m), warn: (m: string) => context.log.warn(m), error: (m: string) => context.log.error(m) };
      const skipped = activeQueue.enqueue({
        key,
        sha: target.headSha,
        force,
        run: (signal) => reviewPullRequest({ octokit, target, settings, log, signal }, force),
      });
      context.log.info(skipped ? `${key}: not queued, ${skipped}` : `${key}: ${target.headSha.slice(0, 7)} queued`);
    };

    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], (context) => {
      const { pull_request: pull, repository } = context.payload;
      if (pull.state !== 'open') return context.log.info(`#${pull.number}: skipped, the pull request is ${pull.state}`);
      schedule(
        context,
        { owner: repository.owner.login, repo: repository.name, pullNumber: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha, htmlUrl: repository.html_url },
        false,
      );
    });

    app.on('check_run.rerequested', (context) => {
      const { check_run: run, repository } = context.payload;
      if (run.name !== settings.checkName) return context.log.info(`check run "${run.name}" is not ours: skipped`);
      const pull = run.pull_requests.find((candidate) => candidate.head.sha === run.head_sha) ?? run.pull_requests[0];
      if (!pull) return context.log.info(`check run ${run.id}: skipped, no pull request of this repository is attached (a fork's?)`);
      schedule(
        context,
        { owner: repository.owner.login, repo: repository.name, pullNumber: pull.number, headSha: run.head_sha, baseSha: pull.base.sha, htmlUrl: repository.html_url },
        true,
      );
    });
  };

  return Object.assign(appFn, { idle: () => queue?.onIdle() ?? Promise.resolve() });
}
