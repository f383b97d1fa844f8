import type { Probot, ProbotOctokit } from 'probot';
import type { Log, ReviewSettings } from './pipeline/context.js';
import { currentHead } from './pipeline/current-head.js';
import { reviewPullRequest } from './pipeline/review-pull-request.js';
import type { QueueRunner, ReviewJob } from './queue.js';

/**
 * What runs a queued review, the same whichever queue hands it over (this process's or Redis's):
 * the job's GitHub client (its installation's token, or the Actions job's), and the pipeline.
 */
export function createReviewRunner(probot: Probot, settings: ReviewSettings, logFor: (job: ReviewJob) => Log): QueueRunner {
  const octokitFor = (job: ReviewJob): Promise<ProbotOctokit> => (job.installationId === undefined ? probot.auth() : probot.auth(job.installationId));
  return {
    run: async (job, signal) => reviewPullRequest({ octokit: await octokitFor(job), target: job.target, settings, log: logFor(job), signal }, job.force),
    isCurrentHead: async (job) => {
      const head = await currentHead(await octokitFor(job), job.target);
      return head.open && head.sha === job.sha;
    },
  };
}

/** Who the app is (GET /app, as the app): what it writes carries `<slug>[bot]`. */
export async function appIdentity(probot: Probot): Promise<ReviewSettings['identity']> {
  const octokit = await probot.auth();
  const { data } = await octokit.rest.apps.getAuthenticated();
  const slug = data?.slug;
  if (!slug) throw new Error('GET /app answered without a slug: cannot tell which comments and reviews are premortem’s own.');
  return { login: `${slug}[bot]`, appSlug: slug };
}
