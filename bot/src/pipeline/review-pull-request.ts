import path from 'node:path';
import { planReview } from '@premortem/core';
import { analyzeSnapshot, AnalysisFailed, type AnalysisResponse } from '../analysis/analyze-snapshot.js';
import { Superseded } from '../queue.js';
import { downloadSnapshot, type Snapshot } from '../snapshot/download-snapshot.js';
import { SnapshotRejected } from '../snapshot/extract-tarball.js';
import { completeCheckRun, startCheckRun } from './check-run.js';
import type { ReviewContext } from './context.js';
import { listPullChanges } from './pull-files.js';
import { findEarlierReviews, postReview } from './post-review.js';
import { upsertSummaryComment } from './summary-comment.js';

/**
 * Reviews one head commit of a pull request: check run → snapshots → analysis → diff → review,
 * summary and check conclusion. Safe to run again for the same commit: it does nothing twice.
 */
export async function reviewPullRequest(context: ReviewContext, force = false): Promise<void> {
  const { target, log, signal } = context;
  const name = `${target.owner}/${target.repo}#${target.pullNumber}@${target.headSha.slice(0, 7)}`;

  // 1. The check run, created at once so the author sees the review is under way.
  const check = await startCheckRun(context, force);
  if ('skip' in check) {
    log.info(`${name}: skipped, ${check.skip}`);
    return;
  }

  const snapshots: Snapshot[] = [];
  try {
    // 2. The head (and the base, for query costs before the change), analyzed without running any of it.
    const head = await analyzeHead(context, snapshots);
    const base = await analyzeBase(context, snapshots);
    signal.throwIfAborted();

    // 3. What the pull request changed, and what premortem said about it before.
    const pull = await listPullChanges(context);
    const earlier = await findEarlierReviews(context);
    signal.throwIfAborted();

    // 4. What to say.
    const plan = planReview({
      findings: head.analysis.findings,
      root: head.root,
      changes: pull.changes,
      queries: head.analysis.queries,
      ...(base ? { base: { root: base.root, queries: base.analysis.queries } } : {}),
      headSha: target.headSha,
      maxInlineComments: context.settings.maxInlineComments,
      commentable: pull.commentable,
      alreadyCommented: earlier.commented,
      blobUrl: (file, line) => `${target.htmlUrl}/blob/${target.headSha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`,
      footer: `premortem ${context.settings.version} · ${head.analysis.files} files analyzed in ${(head.analysis.durationMs / 1000).toFixed(1)} s · no code from the repository was run`,
    });

    // 5. Say it: one review, one summary comment, the check's conclusion.
    if (plan.inline.length > 0 && !earlier.reviewedHead) await postReview(context, plan.inline, 'The summary comment has the details and the query costs.');
    signal.throwIfAborted();
    const summary = await upsertSummaryComment(context, plan.summary, plan.findings.length > 0 || plan.queries.length > 0);
    await completeCheckRun(context, check.id, { conclusion: plan.conclusion, title: plan.title, summary: plan.summary, annotations: plan.annotations });
    log.info(`${name}: ${plan.conclusion}; ${plan.findings.length} finding(s), ${plan.inline.length} inline, summary ${summary}`);
  } catch (error) {
    await concludeAfterError(context, check.id, error);
  } finally {
    for (const snapshot of snapshots) snapshot.dispose();
  }
}

async function analyzeHead(context: ReviewContext, snapshots: Snapshot[]): Promise<{ root: string; analysis: AnalysisResponse }> {
  const { settings, target, signal } = context;
  let root = settings.workspace;
  if (!root) {
    const snapshot = await downloadSnapshot(context.octokit, { owner: target.owner, repo: target.repo, ref: target.headSha }, settings.workDir, settings.snapshotLimits, signal);
    snapshots.push(snapshot);
    root = snapshot.root;
  }
  return { root: path.resolve(root), analysis: await analyzeSnapshot({ root, withRules: true }, settings.analysisLimits, signal) };
}

/** The base only adds the "before" column of the cost table: if it cannot be had, the table goes without. */
async function analyzeBase(context: ReviewContext, snapshots: Snapshot[]): Promise<{ root: string; analysis: AnalysisResponse } | undefined> {
  const { settings, target, signal } = context;
  try {
    const snapshot = await downloadSnapshot(context.octokit, { owner: target.owner, repo: target.repo, ref: target.baseSha }, settings.workDir, settings.snapshotLimits, signal);
    snapshots.push(snapshot);
    return { root: snapshot.root, analysis: await analyzeSnapshot({ root: snapshot.root, withRules: false }, settings.analysisLimits, signal) };
  } catch (error) {
    if (signal.aborted) throw error;
    context.log.warn(`base ${target.baseSha.slice(0, 7)} not analyzed (${error instanceof Error ? error.message : String(error)}); no before/after costs.`);
    return undefined;
  }
}

/**
 * A snapshot refused or an analysis stopped is the commit's problem: a neutral check that says why.
 * A newer push cancels this one. Anything else is ours: the check says so, and the error is rethrown
 * for the log.
 */
async function concludeAfterError(context: ReviewContext, checkId: number, error: unknown): Promise<void> {
  if (error instanceof Superseded || context.signal.reason instanceof Superseded) {
    const by = context.signal.reason instanceof Superseded ? context.signal.reason.by : '';
    await completeCheckRun(context, checkId, { conclusion: 'cancelled', title: 'Superseded by a newer push', summary: `A newer commit (${by.slice(0, 7)}) is being analyzed instead.` });
    return;
  }
  if (error instanceof SnapshotRejected || error instanceof AnalysisFailed) {
    await completeCheckRun(context, checkId, {
      conclusion: 'neutral',
      title: 'Premortem could not analyze this commit',
      summary: `${error.message}\n\nNothing from the repository was run. If this commit is what you meant, the limits can be raised by whoever runs the app.`,
    });
    return;
  }
  await completeCheckRun(context, checkId, {
    conclusion: 'neutral',
    title: 'Premortem failed',
    summary: 'Premortem hit an error of its own while reviewing this commit; the app’s log has the details. This says nothing about the code.',
  }).catch((reportError: unknown) => context.log.error(`could not mark the check as failed: ${String(reportError)}`));
  throw error;
}
