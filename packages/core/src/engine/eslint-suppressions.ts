import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Finding } from '../findings.js';
import { toPosixRelative } from './project-root.js';
import { mayRead } from './read-boundary.js';

/** ESLint's bulk suppressions (`eslint --suppress-all`), at the repository root where ESLint writes it by default. */
export const ESLINT_SUPPRESSIONS_FILE = 'eslint-suppressions.json';
const MAX_BYTES = 20 * 1024 * 1024;

/** Per file (relative, POSIX), per rule id: how many errors ESLint recorded. */
export type EslintSuppressions = Map<string, Map<string, number>>;

/**
 * The repository's `eslint-suppressions.json`, read as data and checked; undefined when there is
 * none. A file that is not ESLint's format stops the run with a message: silently ignoring it would
 * fail every suppressed finding, and silently trusting it could hide any.
 */
export function readEslintSuppressions(root: string): EslintSuppressions | undefined {
  const file = path.join(root, ESLINT_SUPPRESSIONS_FILE);
  if (!mayRead(file) || !existsSync(file) || !statSync(file).isFile()) return undefined;
  if (statSync(file).size > MAX_BYTES) throw new UsageError(`${ESLINT_SUPPRESSIONS_FILE} is larger than 20 MB; it was not read.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${ESLINT_SUPPRESSIONS_FILE} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const invalid = () => new UsageError(`${ESLINT_SUPPRESSIONS_FILE} is not ESLint's suppressions format ({ "<file>": { "<rule>": { "count": <n> } } }).`);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const suppressions: EslintSuppressions = new Map();
  for (const [file, rules] of Object.entries(parsed)) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw invalid();
    const counts = new Map<string, number>();
    for (const [rule, entry] of Object.entries(rules as Record<string, unknown>)) {
      const count = (entry as { count?: unknown } | null)?.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw invalid();
      counts.set(rule, count);
    }
    suppressions.set(file.split(path.sep).join('/'), counts);
  }
  return suppressions;
}

/**
 * What ESLint does with the file: the errors of a rule in a file are suppressed while there are no
 * more of them than recorded; one more, and every one of them is reported again. Warnings are
 * never recorded, so never suppressed.
 */
export function applyEslintSuppressions(findings: readonly Finding[], root: string, suppressions: EslintSuppressions): { kept: Finding[]; suppressed: number } {
  const key = (finding: Finding) => `${toPosixRelative(root, finding.file)}\u0000${finding.ruleId}`;
  const errors = new Map<string, number>();
  for (const finding of findings) if (finding.severity === 'error') errors.set(key(finding), (errors.get(key(finding)) ?? 0) + 1);
  const kept = findings.filter((finding) => {
    if (finding.severity !== 'error') return true;
    const recorded = suppressions.get(toPosixRelative(root, finding.file))?.get(finding.ruleId);
    return recorded === undefined || errors.get(key(finding))! > recorded;
  });
  return { kept, suppressed: findings.length - kept.length };
}
