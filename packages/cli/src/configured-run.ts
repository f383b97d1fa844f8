import { UsageError, type ConfiguredResult, type PresetName } from '@premortem/core';
import type { CliIo } from './io.js';
import { analyze } from './analyze.js';

export interface RunRequest {
  paths: string[];
  project: string | undefined;
  /** Undefined: the config's `preset`, else recommended. */
  preset: string | undefined;
  rule: string[];
  collectQueries: boolean;
  reportUnusedDisableDirectives?: boolean;
  timing?: boolean;
  /** Absolute paths of the files that get every rule (see `RunInput.focus`). */
  focusFiles?: string[];
}

const PRESETS: readonly PresetName[] = ['recommended', 'strict'];

/**
 * One analysis as `check`, `baseline` and `review` run it: rules from the preset, the config's
 * severities and options applied, over the files in its scope. `root` is the repository root the
 * config lives in.
 */
export function runConfigured(request: RunRequest, io: CliIo): Promise<ConfiguredResult> {
  if (request.preset !== undefined && !(PRESETS as readonly string[]).includes(request.preset)) {
    throw new UsageError(`Unknown --preset "${request.preset}". Use one of: ${PRESETS.join(', ')}.`);
  }
  return analyze(
    {
      paths: request.paths,
      ...(request.project !== undefined ? { project: request.project } : {}),
      ...(request.preset !== undefined ? { preset: request.preset as PresetName } : {}),
      only: request.rule,
      withRules: true,
      collectQueries: request.collectQueries,
      ...(request.reportUnusedDisableDirectives ? { reportUnusedDisableDirectives: true } : {}),
      ...(request.timing ? { timing: true } : {}),
      ...(request.focusFiles ? { focusFiles: request.focusFiles } : {}),
    },
    io,
  );
}
