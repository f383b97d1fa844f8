import type { ProbotOctokit } from 'probot';
import type { ReviewTarget } from './context.js';

export interface PullHead {
  sha: string;
  open: boolean;
}

/** The pull request's head as GitHub has it now, not as the event that queued the review said. */
export async function currentHead(octokit: ProbotOctokit, target: Pick<ReviewTarget, 'owner' | 'repo' | 'pullNumber'>): Promise<PullHead> {
  const { data } = await octokit.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: target.pullNumber });
  return { sha: data.head.sha, open: data.state === 'open' };
}
