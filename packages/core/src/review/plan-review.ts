import path from 'node:path';
import { INCOMPLETE_ANALYSIS_RULE_IDS, type Finding } from '../findings.js';
import type { QueryEstimate } from '../formatters/json.js';
import { touchedBy, type ChangedLines } from '../changes/changed-lines.js';
import { toPosixRelative } from '../engine/project-root.js';
import { compareQueries, type QueryChange } from './query-changes.js';
import { renderInlineBody, renderSummary } from './render-review.js';
export { SUMMARY_MARKER } from './render-review.js';
import { plural } from '../formatters/markdown-text.js';

export interface ReviewInput {
  /** Findings of the head snapshot (absolute paths). */
  findings: readonly Finding[];
  /** The head snapshot's folder: changed lines and everything posted are relative to it. */
  root: string;
  /** Lines the pull request added or changed, repository-relative. */
  changes: ChangedLines;
  /** Prisma query sites of the head snapshot, with their estimates. */
  queries?: readonly QueryEstimate[];
  /** The same for the base, when it could be analyzed: the cost table shows both. */
  base?: { root: string; queries: readonly QueryEstimate[] };
  headSha?: string;
  /** Inline comments beyond this many go to the summary only (a wall of comments gets ignored). */
  maxInlineComments?: number;
  /** Where a file and line can be seen, e.g. on github.com at the head commit. */
  blobUrl?: (file: string, line: number) => string;
  /**
   * Per file, the lines a review comment may sit on (inside the diff's hunks); GitHub refuses any
   * other. Without it, every changed line may carry a comment.
   */
  commentable?: ReadonlyMap<string, ReadonlySet<number>>;
  /** Fingerprints already commented on in an earlier review of this pull request. */
  alreadyCommented?: ReadonlySet<string>;
  /** A line under the summary: version, files analyzed, time. */
  footer?: string;
  /**
   * The conclusion when the only errors are files premortem could not check (read or analysis
   * errors) on the changed lines: `failure` (the default: fail closed) or `neutral`.
   */
  incompleteConclusion?: 'failure' | 'neutral';
}

export interface InlineComment {
  path: string;
  line: number;
  body: string;
  fingerprint: string;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning';
  title: string;
  message: string;
}

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface ReviewPlan {
  /** Findings the change touched: on its lines, or on a step of their path. */
  findings: Finding[];
  inline: InlineComment[];
  queries: QueryChange[];
  conclusion: CheckConclusion;
  /** One line for the check run's title. */
  title: string;
  /** The summary comment, with its hidden marker. */
  summary: string;
  annotations: CheckAnnotation[];
}

export const DEFAULT_MAX_INLINE_COMMENTS = 20;

/**
 * What a review of a pull request says: only findings the change touched, inline where a changed
 * line can carry them, and a summary with the query costs the change adds. Pure: the bot posts
 * it, `premortem review` prints it.
 */
export function planReview(input: ReviewInput): ReviewPlan {
  const relative = (file: string) => toPosixRelative(input.root, path.resolve(input.root, file));
  const queries = compareQueries(input.queries ?? [], input.base, input.changes, relative);
  // A finding about a query the change edited is the change's, even when the edit is in the call's arguments.
  const queryAt = new Map(queries.map((query) => [`${query.file}:${query.line}`, query]));
  const changedQuery = (finding: Finding) => queryAt.get(`${relative(finding.file)}:${finding.line}`);
  const findings = input.findings.filter((finding) => touchedBy(finding, input.changes, input.root) || changedQuery(finding) !== undefined);
  const max = input.maxInlineComments ?? DEFAULT_MAX_INLINE_COMMENTS;

  const inline: InlineComment[] = [];
  for (const finding of findings) {
    if (inline.length >= max) break;
    if (input.alreadyCommented?.has(finding.fingerprint)) continue;
    const anchor = inlineAnchor(finding, input.changes, relative, changedQuery(finding), input.commentable);
    if (anchor) inline.push({ ...anchor, fingerprint: finding.fingerprint, body: renderInlineBody(finding, anchor, relative) });
  }

  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const unchecked = findings.filter((f) => f.severity === 'error' && INCOMPLETE_ANALYSIS_RULE_IDS.has(f.ruleId)).length;
  const conclusion: CheckConclusion =
    errors > unchecked ? 'failure' : unchecked > 0 ? (input.incompleteConclusion ?? 'failure') : warnings > 0 ? 'neutral' : 'success';
  const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  const title = findings.length === 0 ? 'No problems on the changed lines' : `${counts} on the changed lines`;
  const inlined = new Set(inline.map((comment) => comment.fingerprint));

  return {
    findings,
    inline,
    queries,
    conclusion,
    title,
    summary: renderSummary({
      title,
      findings,
      inlined,
      queries,
      relative,
      headSha: input.headSha,
      blobUrl: input.blobUrl,
      footer: input.footer,
      alreadyCommented: input.alreadyCommented,
    }),
    annotations: findings.map((finding) => ({
      path: relative(finding.file),
      start_line: finding.line,
      end_line: Math.max(finding.line, finding.endLine),
      annotation_level: finding.severity === 'error' ? 'failure' : 'warning',
      title: finding.ruleId,
      message: finding.message,
    })),
  };
}

/**
 * The first changed line that can carry the finding: one of its own lines (for a query, any line
 * of the call), else the changed step
 * of its path (the `<CommandPalette/>` a layout gained is where an every-page fetch begins).
 */
function inlineAnchor(
  finding: Finding,
  changes: ChangedLines,
  relative: (file: string) => string,
  query: QueryChange | undefined,
  commentable: ReadonlyMap<string, ReadonlySet<number>> | undefined,
): { path: string; line: number } | undefined {
  const candidates: Array<{ file: string; from: number; to: number }> = [
    { file: finding.file, from: finding.line, to: Math.max(finding.line, finding.endLine, query?.endLine ?? 0) },
    ...(finding.path ?? []).map((step) => ({ file: step.file, from: step.line, to: step.line })),
  ];
  for (const candidate of candidates) {
    const file = relative(candidate.file);
    const lines = changes.get(file);
    if (lines === undefined) continue;
    const allowed = (line: number) => (lines === 'all' || lines.has(line)) && (!commentable || commentable.get(file)?.has(line) === true);
    for (let line = candidate.from; line <= candidate.to; line++) if (allowed(line)) return { path: file, line };
  }
  return undefined;
}
