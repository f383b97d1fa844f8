import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  findProjectRoot,
  formatGithub,
  formatMarkdown,
  formatStylish,
  ignoredBy,
  loadConfig,
  Timings,
  toJsonReport,
  toSarif,
  UsageError,
  type Finding,
  type PresetName,
  type QueryEstimate,
} from '@premortem/core';
import { rules as allRules } from '@premortem/rules';
import { ExitCode, type CliIo } from '../io.js';
import { analyze } from '../analyze.js';
import { selectRules } from '../select-rules.js';

export interface CheckOptions {
  project?: string;
  format: string;
  rule: string[];
  maxWarnings?: string;
  timing?: boolean;
  preset: string;
}

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'markdown'] as const;
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
const PRESETS: readonly PresetName[] = ['recommended', 'strict'];

export async function runCheck(paths: string[], options: CheckOptions, io: CliIo): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`Unknown --format "${options.format}". Use one of: ${FORMATS.join(', ')}.`);
  }
  if (!(PRESETS as readonly string[]).includes(options.preset)) {
    throw new UsageError(`Unknown --preset "${options.preset}". Use one of: ${PRESETS.join(', ')}.`);
  }
  const maxWarnings = parseMaxWarnings(options.maxWarnings);
  const root = findProjectRoot(path.resolve(io.cwd, paths[0] ?? '.'));
  const { config, file: configFile } = loadConfig(root);
  const rules = selectRules(options.preset as PresetName, options.rule, config, configFile);
  const timings = options.timing ? new Timings() : undefined;
  const analyzed = await analyze(
    { paths, project: options.project, rules, collectQueries: options.format === 'json', ...(timings ? { timings } : {}) },
    io,
  );
  const ignored = ignoredBy(config, root);
  const result = { ...analyzed, findings: analyzed.findings.filter((finding) => !ignored(finding.file)) };

  io.stdout.write(render(options.format, result, root, io));
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

function writeTimings(io: CliIo, timings: Timings, totalMs: number): void {
  const rows = timings.entries();
  const width = Math.max(...rows.map(([label]) => label.length), 'total'.length);
  io.stderr.write('\nTime spent (ms; type checking is charged to the first rule that asks for a type):\n');
  for (const [label, ms] of rows) io.stderr.write(`  ${label.padEnd(width)}  ${ms.toFixed(1).padStart(9)}\n`);
  io.stderr.write(`  ${'total'.padEnd(width)}  ${totalMs.toFixed(1).padStart(9)}\n`);
}
