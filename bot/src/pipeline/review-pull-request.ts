import path from 'node:path';
import { planReview } from '@premortem/core';
import { baseAnalyses, type BaseAnalysis } from '../analysis/base-analyses.js';
import { analyzeSnapshot, AnalysisFailed, type AnalysisResponse } from '../analysis/analyze-snapshot.js';
import { RateLimited } from '../github/request-policy.js';
import { jobFailures } from '../metrics.js';
import { hostedTypesForReview } from '../hosted-types/for-review.js';
import { ShuttingDown, Superseded } from '../queue.js';
import { downloadSnapshot, type Snapshot } from '../snapshot/download-snapshot.js';
import { SnapshotRejected } from '../snapshot/extract-tarball.js';
import { completeCheckRun, findOurCheckRun, startCheckRun } from './check-run.js';
import type { ReviewContext } from './context.js';
import { currentHead, type PullHead } from './current-head.js';
import { listPullChanges } from './pull-files.js';
import { findEarlierReviews, postReview } from './post-review.js';
import { upsertSummaryComment } from './summary-comment.js';

/**
 * Reviews one head commit of a pull request: head check → check run → snapshots → analysis → diff
 * → head check → review, summary and check conclusion. Safe to run again for the same commit: it
 * does nothing twice. Only the pull request's current head is reviewed: a late or redelivered
 * event for an older push changes nothing, and an analysis the head moved past posts nothing.
 */
export async function reviewPullRequest(context: ReviewContext, force = false): Promise<void> {
  const { target, log, signal } = context;

  // 0. Still what the pull request points at?
  const head = await currentHead(context.octokit, target);
  if (!head.open || head.sha !== target.headSha) {
    await cancelLeftoverCheck(context, head);
    log.info(`skipped, ${describeMove(head)}`);
    return;
  }

  // 1. The check run, created at once so the author sees the review is under way.
  const check = await startCheckRun(context, force);
  if ('skip' in check) {
    log.info(`skipped, ${check.skip}`);
    return;
  }

  const snapshots: Snapshot[] = [];
  try {
    // 2. The head (and the base, for query costs before the change), analyzed without running any of it.
    const analyzedHead = await analyzeHead(context, snapshots);
    const base = await analyzeBase(context, snapshots);
    signal.throwIfAborted();

    // 3. What the pull request changed, and what premortem said about it before.
    const pull = await listPullChanges(context);
    const earlier = await findEarlierReviews(context);
    signal.throwIfAborted();

    // 4. What to say.
    const plan = planReview({
      findings: analyzedHead.analysis.findings,
      root: analyzedHead.root,
      changes: pull.changes,
      queries: analyzedHead.analysis.queries,
      ...(base ? { base: { root: base.root, queries: base.analysis.queries } } : {}),
      headSha: target.headSha,
      maxInlineComments: context.settings.maxInlineComments,
      commentable: pull.commentable,
      alreadyCommented: earlier.commented,
      blobUrl: (file, line) => `${target.htmlUrl}/blob/${target.headSha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`,
      incompleteConclusion: context.settings.incompleteConclusion,
      footer: `premortem ${context.settings.version} · ${analyzedHead.analysis.files} files analyzed in ${(analyzedHead.analysis.durationMs / 1000).toFixed(1)} s · no code from the repository was run${analyzedHead.typesNote}`,
    });

    // 5. The analysis took a while: a push since then makes it stale.
    const now = await currentHead(context.octokit, target);
    if (!now.open || now.sha !== target.headSha) throw new Superseded(now.sha, describeMove(now), !now.open);

    // 6. Say it: one review, one summary comment, the check's conclusion.
    if (plan.inline.length > 0 && !earlier.reviewedHead) await postReview(context, plan.inline, 'The summary comment has the details and the query costs.');
    signal.throwIfAborted();
    const summary = await upsertSummaryComment(context, plan.summary, plan.findings.length > 0 || plan.queries.length > 0);
    await completeCheckRun(context, check.id, { conclusion: plan.conclusion, title: plan.title, summary: plan.summary, annotations: plan.annotations });
    log.info(`${plan.conclusion}; ${plan.findings.length} finding(s), ${plan.inline.length} inline, summary ${summary}`);
  } catch (error) {
    await concludeAfterError(context, check.id, error);
  } finally {
    for (const snapshot of snapshots) snapshot.dispose();
  }
}

async function analyzeHead(context: ReviewContext, snapshots: Snapshot[]): Promise<{ root: string; analysis: AnalysisResponse; typesNote: string }> {
  const { settings, target, signal } = context;
  let root = settings.workspace;
  // The Actions workspace has its node_modules; a downloaded snapshot may get its dependencies' declarations.
  let typesNote = '';
  if (!root) {
    const snapshot = await downloadSnapshot(context.octokit, { owner: target.owner, repo: target.repo, ref: target.headSha }, settings.workDir, settings.snapshotLimits, signal);
    snapshots.push(snapshot);
    root = snapshot.root;
    if (settings.hostedTypes) typesNote = await hostedTypesForReview(root, settings.workDir, settings.hostedTypes, signal, context.log);
  }
  return { root: path.resolve(root), analysis: await analyzeSnapshot({ root, withRules: true }, settings.analysisLimits, signal), typesNote };
}

/**
 * The base only adds the "before" column of the cost table: if it cannot be had, the table goes
 * without. Pull requests on the same base commit share its analysis (see base-analyses.ts).
 */
async function analyzeBase(context: ReviewContext, snapshots: Snapshot[]): Promise<BaseAnalysis | undefined> {
  const { settings, target, signal } = context;
  // The API's address too: a process may talk to more than one GitHub (tests do).
  const key = `${String(context.octokit.request.endpoint.DEFAULTS.baseUrl)} ${target.owner}/${target.repo}@${target.baseSha}`;
  const known = baseAnalyses.get(key);
  if (known) return known;
  try {
    const snapshot = await downloadSnapshot(context.octokit, { owner: target.owner, repo: target.repo, ref: target.baseSha }, settings.workDir, settings.snapshotLimits, signal);
    snapshots.push(snapshot);
    const analyzed = { root: snapshot.root, analysis: await analyzeSnapshot({ root: snapshot.root, withRules: false }, settings.analysisLimits, signal) };
    baseAnalyses.set(key, analyzed);
    return analyzed;
  } catch (error) {
    if (signal.aborted || error instanceof RateLimited) throw error;
    context.log.warn(`base ${target.baseSha.slice(0, 7)} not analyzed (${error instanceof Error ? error.message : String(error)}); no before/after costs.`);
    return undefined;
  }
}

function describeMove(head: PullHead): string {
  return head.open ? `the pull request's head is now ${head.sha.slice(0, 7)}` : 'the pull request is closed';
}

/** A check of ours left in progress for a commit that is no longer the head (a crash, a restart): finished as cancelled. */
async function cancelLeftoverCheck(context: ReviewContext, head: PullHead): Promise<void> {
  const run = await findOurCheckRun(context);
  if (run && run.status !== 'completed') await completeAsMovedOn(context, run.id, head);
}

/** Cancelled: the pull request moved to a newer head, or was closed. */
function completeAsMovedOn(context: ReviewContext, checkId: number, head: PullHead): Promise<void> {
  return completeCheckRun(context, checkId, {
    conclusion: 'cancelled',
    title: head.open ? 'Superseded by a newer push' : 'The pull request was closed',
    summary: head.open ? `A newer commit (${head.sha.slice(0, 7)}) is analyzed instead.` : 'Nothing left to review.',
  });
}

/**
 * How a review that did not finish ends. A newer push: cancelled. A restart: the check stays in
 * progress and the job resumes when premortem is back. A rate limit: the job is tried again later.
 * A snapshot refused or an analysis stopped: the configured conclusion (fail closed by default),
 * saying why. Anything else is ours: the same conclusion, and the error is rethrown for the log.
 */
async function concludeAfterError(context: ReviewContext, checkId: number, error: unknown): Promise<void> {
  const reason: unknown = context.signal.aborted ? context.signal.reason : error;
  if (reason instanceof Superseded || error instanceof Superseded) {
    const superseded = reason instanceof Superseded ? reason : (error as Superseded);
    await completeAsMovedOn(context, checkId, { sha: superseded.by, open: !superseded.closed });
    return;
  }
  if (reason instanceof ShuttingDown && !context.settings.resumesAfterShutdown) {
    // Nothing will take this review up again (a cancelled workflow run): its check must not stay in progress.
    await completeCheckRun(context, checkId, { conclusion: 'cancelled', title: 'Stopped before the analysis finished', summary: 'The run was stopped (a cancelled workflow run, or a shutdown); nothing was concluded about this commit. Re-run the check to analyze it.' });
    return;
  }
  if (reason instanceof ShuttingDown) {
    // The job is kept (see queue.ts); its check stays in progress, and says why, until it runs again.
    await markPaused(context, checkId, 'Paused: premortem is restarting', 'The analysis was stopped because premortem is restarting; it starts again, and this check completes, when premortem is back.');
    throw reason;
  }
  if (error instanceof RateLimited) {
    await markPaused(context, checkId, 'Waiting for GitHub’s rate limit', `GitHub asked premortem to wait; the review resumes at ${new Date(error.retryAt).toISOString()}.`);
    throw error;
  }
  const conclusion = context.settings.incompleteConclusion;
  if (error instanceof SnapshotRejected || error instanceof AnalysisFailed) {
    jobFailures.inc({ reason: error instanceof SnapshotRejected ? 'snapshot_refused' : 'analysis_failed' });
    if (error instanceof AnalysisFailed && error.refusedCode) context.log.error(`${context.target.owner}/${context.target.repo}: ${error.message}`);
    await completeCheckRun(context, checkId, {
      conclusion,
      title: 'Premortem could not analyze this commit',
      summary: `${error.message}\n\nNothing from the repository was run. If this commit is what you meant, the limits can be raised by whoever runs the app.${incompleteNote(conclusion)}`,
    });
    return;
  }
  await completeCheckRun(context, checkId, {
    conclusion,
    title: 'Premortem failed',
    summary: `Premortem hit an error of its own while reviewing this commit; the app’s log has the details. This says nothing about the code.${incompleteNote(conclusion)}`,
  }).catch((reportError: unknown) => context.log.error(`could not mark the check as failed: ${String(reportError)}`));
  throw error;
}

/** Says on the check, still in progress, why it waits; a failure to say so changes nothing. */
async function markPaused(context: ReviewContext, checkId: number, title: string, summary: string): Promise<void> {
  const { octokit, target } = context;
  await octokit.rest.checks
    .update({ owner: target.owner, repo: target.repo, check_run_id: checkId, output: { title, summary } })
    .catch((error: unknown) => context.log.warn(`could not say on the check why it waits: ${error instanceof Error ? error.message : String(error)}`));
}

function incompleteNote(conclusion: string): string {
  return conclusion === 'failure'
    ? '\n\nThe check fails because the commit was not fully analyzed (`PREMORTEM_INCOMPLETE_CONCLUSION=failure`, the default); a re-run tries again.'
    : '\n\nThe check is neutral because the commit was not fully analyzed (`PREMORTEM_INCOMPLETE_CONCLUSION=neutral`).';
}
