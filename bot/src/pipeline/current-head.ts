import type { ReviewContext } from './context.js';

export interface PullHead {
  sha: string;
  open: boolean;
}

/** The pull request's head as GitHub has it now, not as the event that queued the review said. */
export async function currentHead(context: ReviewContext): Promise<PullHead> {
  const { octokit, target } = context;
  const { data } = await octokit.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: target.pullNumber, request: { signal: context.signal } });
  return { sha: data.head.sha, open: data.state === 'open' };
}
