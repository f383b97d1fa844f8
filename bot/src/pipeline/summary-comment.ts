import { SUMMARY_MARKER } from '@premortem/core';
import type { ReviewContext } from './context.js';

/**
 * The one summary comment of a pull request, edited in place on every push: found again by its
 * hidden marker. Nothing is posted for a clean pull request that never had one.
 */
export async function upsertSummaryComment(context: ReviewContext, body: string, worthPosting: boolean): Promise<'created' | 'updated' | 'unchanged' | 'skipped'> {
  const { octokit, target } = context;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: target.owner, repo: target.repo, issue_number: target.pullNumber, per_page: 100 });
  const existing = comments.find((comment) => comment.body?.includes(SUMMARY_MARKER));
  if (existing) {
    if (existing.body === body) return 'unchanged';
    await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body });
    return 'updated';
  }
  if (!worthPosting) return 'skipped';
  await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.pullNumber, body });
  return 'created';
}
