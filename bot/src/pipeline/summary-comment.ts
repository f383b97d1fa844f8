import { SUMMARY_MARKER } from '@premortem/core';
import type { ReviewContext } from './context.js';
import { writeOnce } from './write-once.js';

/**
 * The one summary comment of a pull request, edited in place on every push: found again by its
 * hidden marker, in a comment the app itself wrote (anyone can paste the marker into theirs).
 * Nothing is posted for a clean pull request that never had one.
 */
export async function upsertSummaryComment(context: ReviewContext, body: string, worthPosting: boolean): Promise<'created' | 'updated' | 'unchanged' | 'skipped'> {
  const { octokit, target } = context;
  const findOurs = async () => {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: target.owner, repo: target.repo, issue_number: target.pullNumber, per_page: 100 });
    return comments.find((comment) => comment.user?.login === context.settings.identity.login && comment.body?.includes(SUMMARY_MARKER));
  };
  const existing = await findOurs();
  if (existing) {
    if (existing.body === body) return 'unchanged';
    await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body });
    return 'updated';
  }
  if (!worthPosting) return 'skipped';
  return writeOnce(
    context,
    `posting the summary comment on #${target.pullNumber}`,
    async () => {
      await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.pullNumber, body });
      return 'created' as const;
    },
    async () => {
      const found = await findOurs();
      if (!found) return undefined;
      if (found.body !== body) await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: found.id, body });
      return 'created' as const;
    },
  );
}
