import os from 'node:os';
import path from 'node:path';
import type { Probot, ProbotOctokit } from 'probot';
import { DEFAULT_ANALYSIS_LIMITS } from './analysis/analyze-snapshot.js';
import { JobJournal } from './job-journal.js';
import type { Log, ReviewSettings } from './pipeline/context.js';
import { currentHead } from './pipeline/current-head.js';
import { reviewPullRequest } from './pipeline/review-pull-request.js';
import { ReviewQueue, type ReviewJob } from './queue.js';
import { routeEvent, type Delivery } from './route-event.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot/extract-tarball.js';
import { VERSION } from './version.js';
import { prepareWorkDir, snapshotsFolder } from './work-dir.js';

export const DEFAULT_SETTINGS: Omit<ReviewSettings, 'identity' | 'resumesAfterShutdown'> = {
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

export interface AppOptions extends Partial<Omit<ReviewSettings, 'resumesAfterShutdown'>> {
  /**
   * Write every accepted job to `<workDir>/queue` until it is done, and take up what a previous
   * process left there: the server's mode. The Actions entry runs one event and needs none.
   */
  durable?: boolean;
  /** `token`: the Actions entry's job token, not an installation's. */
  authentication?: 'app' | 'token';
}

export interface PremortemApp {
  /** Routes a verified delivery to a queued review; returns what was done, for the log. */
  receive(delivery: Delivery & { id: string }): string;
  /** Resolves when every queued review has run. */
  idle(): Promise<void>;
  /** Stops taking work; see `ReviewQueue.drain`. */
  drain(graceMs: number): Promise<void>;
}

/**
 * The app: deliveries become queued reviews, answered at once (`receive` does no I/O but the
 * journal's one small file); reviews run one at a time behind the queue. Probot provides the
 * GitHub clients (installation tokens, or the job's token) and the log.
 */
export async function createApp(probot: Probot, options: AppOptions = {}): Promise<PremortemApp> {
  const { durable = false, authentication = 'app', ...overrides } = options;
  await probot.ready(); // its log and clients exist once it is initialized
  const log: Log = { info: (m) => probot.log.info(m), warn: (m) => probot.log.warn(m), error: (m) => probot.log.error(m) };
  const identity = overrides.identity ?? (await appIdentity(probot));
  const settings: ReviewSettings = { ...DEFAULT_SETTINGS, ...overrides, identity, resumesAfterShutdown: durable };
  const leftovers = prepareWorkDir(settings.workDir);
  if (leftovers > 0) log.info(`removed ${leftovers} snapshot folder(s) a previous process left in ${snapshotsFolder(settings.workDir)}`);

  const octokitFor = (job: ReviewJob): Promise<ProbotOctokit> => (job.installationId === undefined ? probot.auth() : probot.auth(job.installationId));
  const queue = new ReviewQueue(
    {
      run: async (job, signal) => reviewPullRequest({ octokit: await octokitFor(job), target: job.target, settings, log: prefixed(log, job), signal }, job.force),
      isCurrentHead: async (job) => {
        const head = await currentHead(await octokitFor(job), job.target);
        return head.open && head.sha === job.sha;
      },
    },
    log,
    durable ? new JobJournal(path.join(settings.workDir, 'queue'), log) : undefined,
  );
  const restored = queue.restore();
  if (restored > 0) log.info(`taking up ${restored} review(s) a previous process had accepted and not finished`);

  return {
    receive(delivery) {
      const routed = routeEvent(delivery, { checkName: settings.checkName, useInstallation: authentication === 'app' });
      const said = 'skip' in routed ? `skipped, ${routed.skip}` : describeQueued(routed.job, queue.enqueue(routed.job));
      log.info(`delivery ${delivery.id}: ${said}`);
      return said;
    },
    idle: () => queue.onIdle(),
    drain: (graceMs) => queue.drain(graceMs),
  };
}

function describeQueued(job: ReviewJob, notQueued: string | undefined): string {
  return notQueued ? `${job.key}: not queued, ${notQueued}` : `${job.key}: ${job.sha.slice(0, 7)} queued`;
}

function prefixed(log: Log, job: ReviewJob): Log {
  const prefix = `${job.key}@${job.sha.slice(0, 7)}: `;
  return { info: (m) => log.info(prefix + m), warn: (m) => log.warn(prefix + m), error: (m) => log.error(prefix + m) };
}

/** Who the app is (GET /app, as the app): what it writes carries `<slug>[bot]`. */
async function appIdentity(probot: Probot): Promise<ReviewSettings['identity']> {
  const octokit = await probot.auth();
  const { data } = await octokit.rest.apps.getAuthenticated();
  const slug = data?.slug;
  if (!slug) throw new Error('GET /app answered without a slug: cannot tell which comments and reviews are premortem’s own.');
  return { login: `${slug}[bot]`, appSlug: slug };
}
