import { runAnalysis, type EnabledRule, type RunResult, type Timings } from '@premortem/core';
import type { CliIo } from './io.js';
import { createProgress } from './progress.js';
import { loadTypeScript } from './load-typescript.js';

export interface AnalyzeRequest {
  paths: string[];
  project: string | undefined;
  rules: EnabledRule[];
  collectQueries: boolean;
  timings?: Timings;
  /** Files that get every rule; the rest only cross-file ones (see `RunInput.focus`). */
  focus?: (fileName: string) => boolean;
}

/** One analysis run as every command does it: progress on a TTY, notes on stderr. */
export function analyze(request: AnalyzeRequest, io: CliIo): RunResult {
  const progress = createProgress(io.stderr);
  // Loaded only once the arguments are known good: usage errors answer at once.
  const ts = loadTypeScript();
  const result = runAnalysis({
    ts,
    cwd: io.cwd,
    paths: request.paths,
    ...(request.project !== undefined ? { project: request.project } : {}),
    rules: request.rules,
    ...(request.timings ? { timings: request.timings } : {}),
    collectQueries: request.collectQueries,
    ...(request.focus ? { focus: request.focus } : {}),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.clear();
  for (const note of result.notes) io.stderr.write(`premortem: note: ${note}\n`);
  return result;
}
