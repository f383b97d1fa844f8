import { fileURLToPath } from 'node:url';
import {
  analyzedFolders,
  describeRefusal,
  installedProgram,
  refuseForeignModules,
  refusedModules,
  runConfiguredAnalysis,
  runIsolatedAnalysis,
  UsageError,
  type AnalysisRecipe,
  type ConfiguredResult,
} from '@premortem/core';
import { rules } from '@premortem/rules';
import type { CliIo } from './io.js';
import { createProgress } from './progress.js';
import { loadTypeScript } from './load-typescript.js';

export type AnalyzeRequest = Omit<AnalysisRecipe, 'cwd'>;

const CHILD_ENTRY = fileURLToPath(new URL('./analysis-child.js', import.meta.url));

/**
 * One analysis as every command runs it: progress on a TTY, notes on stderr. In the `premortem`
 * process (`io.guardModules`) code loads only from premortem itself from here on; `--isolate`
 * runs it in a confined child process instead (see isolated-analysis.ts).
 */
export async function analyze(request: AnalyzeRequest, io: CliIo): Promise<ConfiguredResult> {
  const recipe: AnalysisRecipe = { ...request, cwd: io.cwd };
  const progress = createProgress(io.stderr);
  const onProgress = (done: number, total: number, building?: string) => progress.update(done, total, building);
  let analyzed: ConfiguredResult;
  if (io.isolate) {
    // The engine asks the read boundary before it looks anywhere: outside it, the child's
    // permissions would turn a probe for a missing file into an error.
    const readable = analyzedFolders(recipe);
    analyzed = await runIsolatedAnalysis({
      entry: CHILD_ENTRY,
      request: { recipe: { ...recipe, confineReadsTo: readable } },
      program: installedProgram(import.meta.url),
      readable,
      // No deadline or heap limit of its own: the same as an analysis in this process.
      limits: {},
      onProgress,
    });
  } else {
    if (io.guardModules) refuseForeignModules(installedProgram(import.meta.url).packages);
    // Loaded only once the arguments are known good: usage errors answer at once.
    analyzed = runConfiguredAnalysis(recipe, loadTypeScript(), rules, onProgress);
    const refused = refusedModules();
    if (refused.length > 0) throw refusedError(refused);
  }
  progress.clear();
  for (const note of analyzed.result.notes) io.stderr.write(`premortem: note: ${note}\n`);
  return analyzed;
}

export function refusedError(refused: readonly string[]): UsageError {
  return new UsageError(describeRefusal(refused));
}
