import path from 'node:path';
import { findProjectRoot, formatStylish, ignoredBy, loadConfig, Timings, toJsonReport, UsageError, type PresetName } from '@premortem/core';
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

const FORMATS = ['stylish', 'json'] as const;
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

  if (options.format === 'json') {
    const report = toJsonReport(result.findings, result.queries, { files: result.files, durationMs: result.durationMs }, io.cwd);
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const text = formatStylish(result.findings, { cwd: io.cwd, color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR });
    io.stdout.write(text || `No problems found in ${result.files} file${result.files === 1 ? '' : 's'}.\n`);
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
