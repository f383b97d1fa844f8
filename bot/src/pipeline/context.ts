import type { ProbotOctokit } from 'probot';
import type { AnalysisLimits } from '../analysis/analyze-snapshot.js';
import type { HostedTypesSettings } from '../hosted-types/hosted-types.js';
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

/** Who the app is on GitHub: what it writes carries this login, its check runs this app slug. */
export interface Identity {
  login: string;
  appSlug: string;
}

/** What the check says when premortem could not finish an analysis: fail closed (the default) or stay neutral. */
export type IncompleteConclusion = 'failure' | 'neutral';

/** Everything a review needs from outside, injected so tests choose each part. */
export interface ReviewSettings {
  checkName: string;
  /**
   * The app's own identity: only its own comments, reviews and check runs are taken for earlier
   * ones. Found at start (GET /app) when not given.
   */
  identity: Identity;
  /**
   * The check's conclusion when the analysis could not finish (a snapshot refused, a deadline or
   * memory limit hit, a file premortem could not analyze, an error of premortem's own). `failure`
   * by default: a required check must not pass on code nobody analyzed.
   */
  incompleteConclusion: IncompleteConclusion;
  /** How long to let GitHub settle before looking for a write whose answer was lost. */
  settleMs: number;
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
  /**
   * Whether a review stopped by a shutdown is taken up by the next start (the server, whose jobs
   * are kept on disk). Where it is not (the Actions entry), its check is completed as cancelled.
   */
  resumesAfterShutdown: boolean;
  version: string;
  /**
   * Where set, a downloaded head gets its dependencies' declarations from the npm registry at the
   * versions its lockfile pins (verified, never run); unset, it is analyzed bare, as before.
   */
  hostedTypes?: HostedTypesSettings;
}

export interface ReviewContext {
  octokit: ProbotOctokit;
  target: ReviewTarget;
  settings: ReviewSettings;
  log: Log;
  signal: AbortSignal;
}
