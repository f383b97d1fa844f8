import path from 'node:path';
import type { QueryEstimate } from '../formatters/json.js';
import type { ChangedLines } from '../changes/changed-lines.js';
import { toPosixRelative } from '../engine/project-root.js';

/** A Prisma query the pull request added or changed, with its estimate before and after. */
export interface QueryChange {
  /** Repository-relative. */
  file: string;
  line: number;
  endLine: number;
  model: string;
  operation: string;
  head: QueryEstimate;
  /** Undefined when the query is new, or the base could not be analyzed. */
  base?: QueryEstimate;
}

/**
 * Head queries in changed files whose call line changed or whose estimate did, each matched to the base query it replaces: the same file, model
 * and operation, in the same order among those (line numbers move, that order rarely does).
 */
export function compareQueries(
  headQueries: readonly QueryEstimate[],
  base: { root: string; queries: readonly QueryEstimate[] } | undefined,
  changes: ChangedLines,
  relative: (file: string) => string,
): QueryChange[] {
  const baseByKey = new Map<string, QueryEstimate[]>();
  for (const query of base?.queries ?? []) {
    const key = queryKey(toPosixRelative(base!.root, path.resolve(base!.root, query.file)), query);
    baseByKey.set(key, [...(baseByKey.get(key) ?? []), query]);
  }
  const seen = new Map<string, number>();
  const out: QueryChange[] = [];
  for (const head of headQueries) {
    const file = relative(head.file);
    const key = queryKey(file, head);
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    const lines = changes.get(file);
    if (lines === undefined) continue;
    const before = baseByKey.get(key)?.[ordinal];
    // A call spans lines: a `take` removed ten lines below still changes this query.
    const endLine = Math.max(head.line, head.endLine ?? head.line);
    const changed = lines === 'all' || range(head.line, endLine).some((line) => lines.has(line)) || !before || !sameEstimate(before, head);
    if (!changed) continue;
    out.push({ file, line: head.line, endLine, model: head.model, operation: head.operation, head, ...(before ? { base: before } : {}) });
  }
  return out;
}

function queryKey(file: string, query: QueryEstimate): string {
  return `${file}\0${query.model}.${query.operation}`;
}

function sameEstimate(a: QueryEstimate, b: QueryEstimate): boolean {
  return a.bounded === b.bounded && a.index === b.index && a.estimatedRows === b.estimatedRows && a.costClass === b.costClass;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
