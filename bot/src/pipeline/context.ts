import type { ProbotOctokit } from 'probot';
import type { AnalysisLimits } from '../analysis/analyze-snapshot.js';
import type { SnapshotLimits } from '../snapshot/extract-tarball.js';

/** The pull request under review, as the webhook named it. */
export interface ReviewTarget {
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  baseSha: string;
  /** `https://github.com/owner/repo` (or the Enterprise host's), for links in the summary. */
  htmlUrl: string;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything a review needs from outside, injected so tests choose each part. */
export interface ReviewSettings {
  checkName: string;
  /** Snapshots are extracted under here, each in its own folder that is removed afterwards. */
  workDir: string;
  snapshotLimits: SnapshotLimits;
  analysisLimits: AnalysisLimits;
  maxInlineComments: number;
  /** Annotations per check run, at most (GitHub takes 50 per request; each batch is a request). */
  maxAnnotations: number;
  /**
   * Where the head is already checked out with its dependencies (the GitHub Actions entry): used
   * instead of downloading the head's tarball, so types are exact.
   */
  workspace?: string;
  version: string;
}

export interface ReviewContext {
  octokit: ProbotOctokit;
  target: ReviewTarget;
  settings: ReviewSettings;
  log: Log;
  signal: AbortSignal;
}
