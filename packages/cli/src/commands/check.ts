import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  compareWithBaseline,
  formatGithub,
  formatMarkdown,
  formatStylish,
  parseBaseline,
  touchedBy,
  toJsonReport,
  toSarif,
  UsageError,
  type Baseline,
  type BaselineComparison,
  type Finding,
  type QueryEstimate,
} from '@premortem/core';
import { rules as allRules } from '@premortem/rules';
import { ExitCode, type CliIo } from '../io.js';
import { runConfigured } from '../configured-run.js';
import { changedSince } from '../git.js';

export interface CheckOptions {
  project?: string;
  format: string;
  rule: string[];
  maxWarnings?: string;
  timing?: boolean;
  preset?: string;
  baseline?: string;
  changedSince?: string;
  sarifFile?: string;
  reportUnusedDisableDirectives?: boolean;
}

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'markdown'] as const;
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export async function runCheck(paths: string[], options: CheckOptions, io: CliIo): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`Unknown --format "${options.format}". Use one of: ${FORMATS.join(', ')}.`);
  }
  const maxWarnings = parseMaxWarnings(options.maxWarnings);
  const baseline = options.baseline === undefined ? undefined : readBaseline(path.resolve(io.cwd, options.baseline));
  // Asked before the analysis: a shallow clone should hear so at once, not after a minute.
  const changed = options.changedSince === undefined ? undefined : changedSince(options.changedSince, io.cwd);
  // Only the changed files need every rule; findings elsewhere would be filtered out below.
  const focusFiles = changed ? [...changed.changes.keys()].map((file) => path.resolve(changed.root, file)) : undefined;
  const {
    root,
    result: analyzed,
    timings,
  } = await runConfigured(
    {
      paths,
      project: options.project,
      preset: options.preset,
      rule: options.rule,
      collectQueries: options.format === 'json',
      ...(options.reportUnusedDisableDirectives ? { reportUnusedDisableDirectives: true } : {}),
      ...(options.timing ? { timing: true } : {}),
      ...(focusFiles ? { focusFiles } : {}),
    },
    io,
  );

  let findings = analyzed.findings;
  if (baseline) {
    const comparison = compareWithBaseline(findings, baseline.content);
    findings = comparison.fresh;
    reportBaseline(io, baseline.file, comparison);
  }
  if (changed) {
    const before = findings.length;
    findings = findings.filter((finding) => touchedBy(finding, changed.changes, root));
    io.stderr.write(`premortem: note: --changed-since ${options.changedSince}: ${changed.changes.size} changed file(s) since ${changed.base.slice(0, 12)}; ${before - findings.length} finding(s) elsewhere not shown.\n`);
  }
  const result = { ...analyzed, findings };

  io.stdout.write(render(options.format, result, root, io));
  // One analysis, two outputs: annotations on stdout and SARIF for code scanning, as the Action wants.
  if (options.sarifFile) writeFileSync(path.resolve(io.cwd, options.sarifFile), render('sarif', result, root, io));
  if (options.format === 'github' && process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, formatMarkdown(result.findings, { root, files: result.files }) + '\n');
  }
  if (timings) writeTimings(io, timings, result.durationMs);

  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  if (errors > 0) return ExitCode.Findings;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    io.stderr.write(`premortem: ${warnings} warnings exceed --max-warnings ${maxWarnings}.\n`);
    return ExitCode.Findings;
  }
  return ExitCode.Clean;
}

function readBaseline(file: string): { file: string; content: Baseline } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--baseline ${file}: no such file. Write one with \`premortem baseline\`.`);
  }
  return { file, content: parseBaseline(text, file) };
}

function reportBaseline(io: CliIo, file: string, comparison: BaselineComparison): void {
  const name = path.relative(io.cwd, file) || file;
  io.stderr.write(`premortem: note: ${comparison.suppressed} finding(s) accepted in ${name} not shown.\n`);
  if (comparison.stale.length === 0) return;
  io.stderr.write(`premortem: ${comparison.stale.length} baseline entr${comparison.stale.length === 1 ? 'y no longer occurs' : 'ies no longer occur'} (fixed, or the code moved); run \`premortem baseline\` to drop ${comparison.stale.length === 1 ? 'it' : 'them'}:\n`);
  for (const entry of comparison.stale.slice(0, 20)) io.stderr.write(`  ${entry.file}:${entry.line}  ${entry.ruleId}\n`);
  if (comparison.stale.length > 20) io.stderr.write(`  …and ${comparison.stale.length - 20} more\n`);
}

function render(format: string, result: { findings: Finding[]; queries: QueryEstimate[]; files: number; durationMs: number }, root: string, io: CliIo): string {
  switch (format) {
    case 'json':
      return JSON.stringify(toJsonReport(result.findings, result.queries, { files: result.files, durationMs: result.durationMs }, io.cwd), null, 2) + '\n';
    case 'sarif':
      return JSON.stringify(toSarif(result.findings, allRules, { root, version }), null, 2) + '\n';
    case 'github':
      return formatGithub(result.findings, root);
    case 'markdown':
      return formatMarkdown(result.findings, { root, files: result.files });
    default: {
      const text = formatStylish(result.findings, { cwd: io.cwd, color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR });
      return text || `No problems found in ${result.files} file${result.files === 1 ? '' : 's'}.\n`;
    }
  }
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings takes a whole number, got "${value}".`);
  return Number(value);
}

function writeTimings(io: CliIo, rows: readonly [string, number][], totalMs: number): void {
  const width = Math.max(...rows.map(([label]) => label.length), 'total'.length);
  const accounted = rows.reduce((sum, [, ms]) => sum + ms, 0);
  io.stderr.write('\nTime spent (ms, each row exclusive of the rows nested in it; a type is computed once, when first asked for, and charged to that asker):\n');
  for (const [label, ms] of rows) io.stderr.write(`  ${label.padEnd(width)}  ${ms.toFixed(1).padStart(9)}\n`);
  io.stderr.write(`  ${'other (engine, notes, sorting)'.padEnd(width)}  ${Math.max(0, totalMs - accounted).toFixed(1).padStart(9)}\n`);
  io.stderr.write(`  ${'total'.padEnd(width)}  ${totalMs.toFixed(1).padStart(9)}\n`);
}
