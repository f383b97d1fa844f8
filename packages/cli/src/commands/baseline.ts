import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compareWithBaseline, createBaseline, parseBaseline, UsageError } from '@premortem/core';
import { ExitCode, type CliIo } from '../io.js';
import { runConfigured } from '../configured-run.js';

export interface BaselineOptions {
  project?: string;
  rule: string[];
  preset?: string;
  out?: string;
  addNew?: boolean;
}

export const BASELINE_FILE = path.join('.premortem', 'baseline.json');

/**
 * Writes the fingerprints of today's findings, so `check --baseline` fails only on new ones. An
 * existing baseline only shrinks: fixed findings leave it, new ones join only with `--add-new`.
 */
export async function runBaseline(paths: string[], options: BaselineOptions, io: CliIo): Promise<number> {
  const { root, result } = await runConfigured({ paths, project: options.project, preset: options.preset, rule: options.rule, collectQueries: false }, io);
  const file = path.resolve(io.cwd, options.out ?? path.join(root, BASELINE_FILE));
  const shown = path.relative(io.cwd, file) || file;
  let findings = result.findings;
  if (existsSync(file) && !options.addNew) {
    const previous = parseBaseline(readFileSync(file, 'utf8'), file);
    const { fresh, stale } = compareWithBaseline(findings, previous);
    findings = findings.filter((f) => !fresh.includes(f));
    io.stderr.write(`premortem: ${shown}: ${stale.length} fixed finding(s) dropped, ${findings.length} kept.\n`);
    if (fresh.length > 0) io.stderr.write(`premortem: ${fresh.length} new finding(s) not added; fix them, or pass --add-new to accept them.\n`);
  } else {
    io.stderr.write(`premortem: ${shown}: ${findings.length} finding(s) recorded.\n`);
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(createBaseline(findings, root), null, 2) + '\n');
  } catch (error) {
    throw new UsageError(`cannot write ${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return ExitCode.Clean;
}
