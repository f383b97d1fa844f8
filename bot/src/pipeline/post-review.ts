import type { InlineComment } from '@premortem/core';
import type { ReviewContext } from './context.js';
import { writeOnce } from './write-once.js';

const REVIEW_MARKER = /<!-- premortem:review (\w+) -->/;
const COMMENTED_MARKER = /<!-- premortem:commented ([\w ]*) -->/;

export interface EarlierReviews {
  /** A review of this very head SHA was posted already (a redelivery, or a restart mid-way). */
  reviewedHead: boolean;
  /** Findings that already have an inline comment on this pull request: not posted again. */
  commented: Set<string>;
}

/**
 * Premortem's earlier reviews of the pull request, found by their hidden markers. Only reviews the
 * app itself wrote count: anyone can paste a marker into a review of their own.
 */
export async function findEarlierReviews(context: ReviewContext): Promise<EarlierReviews> {
  const { octokit, target } = context;
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner: target.owner, repo: target.repo, pull_number: target.pullNumber, per_page: 100 });
  const commented = new Set<string>();
  let reviewedHead = false;
  for (const review of reviews) {
    if (review.user?.login !== context.settings.identity.login) continue;
    const body = review.body ?? '';
    const marker = REVIEW_MARKER.exec(body);
    if (!marker) continue;
    if (marker[1] === target.headSha) reviewedHead = true;
    for (const fingerprint of COMMENTED_MARKER.exec(body)?.[1]?.split(' ') ?? []) if (fingerprint) commented.add(fingerprint);
  }
  return { reviewedHead, commented };
}

/**
 * One review with the inline comments. GitHub rejects a whole review (422) for one comment off
 * the diff; anchors are checked against the patch first, and should GitHub still refuse, the
 * review is posted again with those comments in its body instead. A post whose answer is lost is
 * looked for before it is repeated.
 */
export async function postReview(context: ReviewContext, comments: readonly InlineComment[], summaryLink: string): Promise<'inline' | 'body-only' | 'found'> {
  const { octokit, target } = context;
  const markers = `<!-- premortem:review ${target.headSha} -->\n<!-- premortem:commented ${comments.map((c) => c.fingerprint).join(' ')} -->`;
  const intro = `Premortem found ${comments.length === 1 ? 'a problem' : `${comments.length} problems`} on the lines this pull request changes. ${summaryLink}`;
  const request = { owner: target.owner, repo: target.repo, pull_number: target.pullNumber, commit_id: target.headSha, event: 'COMMENT' as const };
  const what = `posting the review of ${target.headSha.slice(0, 7)}`;
  const alreadyPosted = async () => ((await findEarlierReviews(context)).reviewedHead ? ('found' as const) : undefined);
  try {
    return await writeOnce(
      context,
      what,
      async () => {
        await octokit.rest.pulls.createReview({
          ...request,
          body: `${intro}\n\n${markers}`,
          comments: comments.map((comment) => ({ path: comment.path, line: comment.line, side: 'RIGHT' as const, body: comment.body })),
        });
        return 'inline' as const;
      },
      alreadyPosted,
    );
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    context.log.warn(`${target.owner}/${target.repo}#${target.pullNumber}: GitHub refused an inline anchor (${(error as Error).message}); posting the comments in the review body.`);
    const listed = comments.map((comment) => `#### \`${comment.path}:${comment.line}\`\n\n${comment.body}`).join('\n\n');
    return writeOnce(
      context,
      what,
      async () => {
        await octokit.rest.pulls.createReview({ ...request, body: `${intro}\n\n${listed}\n\n${markers}` });
        return 'body-only' as const;
      },
      alreadyPosted,
    );
  }
}
