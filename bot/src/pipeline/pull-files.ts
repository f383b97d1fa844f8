import { changedLinesFromPatch, commentableLines, type ChangedLines } from '@premortem/core';
import type { ReviewContext } from './context.js';

export interface PullChanges {
  changes: ChangedLines;
  /** Per file, the lines a review comment may sit on; a file GitHub shows no patch for has none. */
  commentable: Map<string, Set<number>>;
  files: number;
}

/** What the pull request changed, from the files API, every page of it. */
export async function listPullChanges(context: ReviewContext): Promise<PullChanges> {
  const { octokit, target } = context;
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: target.owner, repo: target.repo, pull_number: target.pullNumber, per_page: 100 });
  const changes: ChangedLines = new Map();
  const commentable = new Map<string, Set<number>>();
  for (const file of files) {
    if (file.status === 'removed') continue;
    if (file.patch === undefined) {
      // GitHub leaves out the patch of a huge or binary file: count it as changed, comment nowhere in it.
      changes.set(file.filename, 'all');
      continue;
    }
    changedLinesFromPatch(file.filename, file.patch, changes);
    commentable.set(file.filename, commentableLines(file.patch));
  }
  return { changes, commentable, files: files.length };
}
