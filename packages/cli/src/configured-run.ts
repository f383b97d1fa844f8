import path from 'node:path';
import { findProjectRoot, ignoredBy, loadConfig, selectRules, UsageError, type PresetName, type RunResult, type Timings } from '@premortem/core';
import { rules as allRules } from '@premortem/rules';
import type { CliIo } from './io.js';
import { analyze } from './analyze.js';

export interface RunRequest {
  paths: string[];
  project: string | undefined;
  preset: string;
  rule: string[];
  collectQueries: boolean;
  timings?: Timings;
  focus?: (fileName: string) => boolean;
}

const PRESETS: readonly PresetName[] = ['recommended', 'strict'];

/**
 * One analysis as `check` and `baseline` both run it: rules from the preset, the config's
 * severities, options and ignores applied. `root` is the repository root the config lives in.
 */
export function runConfigured(request: RunRequest, io: CliIo): { root: string; result: RunResult } {
  if (!(PRESETS as readonly string[]).includes(request.preset)) {
    throw new UsageError(`Unknown --preset "${request.preset}". Use one of: ${PRESETS.join(', ')}.`);
  }
  const root = findProjectRoot(path.resolve(io.cwd, request.paths[0] ?? '.'));
  const { config, file } = loadConfig(root);
  const rules = selectRules(allRules, request.preset as PresetName, request.rule, config, file);
  const result = analyze(
    {
      paths: request.paths,
      project: request.project,
      rules,
      collectQueries: request.collectQueries,
      ...(request.timings ? { timings: request.timings } : {}),
      ...(request.focus ? { focus: request.focus } : {}),
    },
    io,
  );
  const ignored = ignoredBy(config, root);
  return { root, result: { ...result, findings: result.findings.filter((finding) => !ignored(finding.file)) } };
}
