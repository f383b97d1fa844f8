import path from 'node:path';
import parseDiff from 'parse-diff';
import type { Finding } from '../findings.js';
import { toPosixRelative } from '../engine/project-root.js';

/**
 * Lines a change touched, per file (repository-relative, forward slashes): added or rewritten
 * lines, and the lines around a deletion; `all` for a file that is new as a whole.
 */
export type ChangedLines = Map<string, Set<number> | 'all'>;

/** Reads a unified diff (`git diff`, or the `patch` of GitHub's pull-request files API). */
export function changedLinesFromDiff(diff: string, into: ChangedLines = new Map()): ChangedLines {
  for (const file of parseDiff(diff)) {
    if (file.deleted || !file.to || file.to === '/dev/null') continue;
    if (file.new) {
      into.set(file.to, 'all');
      continue;
    }
    addPatch(into, file.to, file.chunks);
  }
  return into;
}

/** One file's hunks, as the pull-request files API gives them (a `patch` with no file header). */
export function changedLinesFromPatch(file: string, patch: string, into: ChangedLines = new Map()): ChangedLines {
  return changedLinesFromDiff(`--- a/${file}\n+++ b/${file}\n${patch}`, into);
}

function addPatch(into: ChangedLines, file: string, chunks: parseDiff.Chunk[]): void {
  const existing = into.get(file);
  if (existing === 'all') return;
  const lines = existing ?? new Set<number>();
  for (const chunk of chunks) {
    // The new file's line that follows what has been read so far. A hunk that only deletes names
    // the line before the deletion (`@@ -35 +34,0 @@`), so what follows it is one further.
    let next = chunk.newLines === 0 ? chunk.newStart + 1 : chunk.newStart;
    for (const change of chunk.changes) {
      if (change.type === 'add') {
        lines.add(change.ln);
        next = change.ln + 1;
      } else if (change.type === 'normal') {
        next = change.ln2 + 1;
      } else {
        // A deletion touches the lines on both sides of it: a removed `take:` changes its call.
        lines.add(Math.max(1, next - 1));
        lines.add(next);
      }
    }
  }
  into.set(file, lines);
}

/**
 * Whether a change touched a finding: its own lines, or a step of its path (adding
 * `<CommandPalette/>` to a layout is what puts the palette's query on every page).
 */
export function touchedBy(finding: Pick<Finding, 'file' | 'line' | 'endLine' | 'path'>, changes: ChangedLines, root: string): boolean {
  const relative = (file: string) => toPosixRelative(root, path.resolve(root, file));
  const hits = (file: string, from: number, to: number) => {
    const lines = changes.get(relative(file));
    if (!lines) return false;
    if (lines === 'all') return true;
    for (let line = from; line <= to; line++) if (lines.has(line)) return true;
    return false;
  };
  return hits(finding.file, finding.line, finding.endLine) || (finding.path ?? []).some((step) => hits(step.file, step.line, step.line));
}

/**
 * Lines of the new file a review comment may sit on: GitHub accepts only lines inside the patch's
 * hunks (added or context), and answers 422 for any other.
 */
export function commentableLines(patch: string): Set<number> {
  const lines = new Set<number>();
  for (const file of parseDiff(`--- a/f\n+++ b/f\n${patch}`)) {
    for (const chunk of file.chunks) {
      for (const change of chunk.changes) {
        if (change.type === 'add') lines.add(change.ln);
        else if (change.type === 'normal') lines.add(change.ln2);
      }
    }
  }
  return lines;
}
