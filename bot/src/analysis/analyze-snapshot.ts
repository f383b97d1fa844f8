import { fileURLToPath } from 'node:url';
import { installedProgram, IsolatedAnalysisFailed, linkedModuleFolder, runIsolatedAnalysis, UsageError, type RunResult } from '@premortem/core';
import { analysisSeconds } from '../metrics.js';

export interface AnalysisRequest {
  /** The snapshot's folder: its `.github/premortem.yml` applies, nothing in it is run. */
  root: string;
  /** False for the base, whose Prisma queries are all that is wanted. */
  withRules: boolean;
}

export type AnalysisResponse = RunResult;

export interface AnalysisLimits {
  timeoutMs: number;
  maxMemoryMb: number;
}

export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = { timeoutMs: 10 * 60_000, maxMemoryMb: 4096 };

/** The analysis could not finish: the message is for the pull request's author. */
export class AnalysisFailed extends Error {
  constructor(
    message: string,
    /** Premortem refused to load code while analyzing: never the commit's fault, always worth a look. */
    readonly refusedCode = false,
  ) {
    super(message);
  }
}

const CHILD_ENTRY = fileURLToPath(new URL('./analysis-child.js', import.meta.url));

/**
 * Analyzes a snapshot in a child process that can read only the snapshot and premortem, runs no
 * process, has no token in its environment, and loads code only from premortem; with a heap limit
 * and a deadline, so a huge or hostile repository costs one failed check, never the server.
 */
export async function analyzeSnapshot(
  request: AnalysisRequest,
  limits: AnalysisLimits,
  signal: AbortSignal,
  onSpawn?: (pid: number) => void,
): Promise<AnalysisResponse> {
  // Only the snapshot, never a folder around it. A downloaded snapshot holds no links; the
  // Actions workspace may link its node_modules.
  const readable = [request.root, ...linkedModuleFolder(request.root)];
  const timer = analysisSeconds.startTimer({ side: request.withRules ? 'head' : 'base' });
  try {
    const analyzed = await runIsolatedAnalysis({
      entry: CHILD_ENTRY,
      request: {
        recipe: {
          cwd: request.root,
          paths: ['.'],
          only: [],
          withRules: request.withRules,
          collectQueries: true,
          // The pull request's tsconfig or config must not make the analysis look outside it.
          confineReadsTo: readable,
        },
      },
      program: installedProgram(import.meta.url),
      readable,
      limits,
      signal,
      ...(onSpawn ? { onSpawn } : {}),
    });
    return analyzed.result;
  } catch (error) {
    // A bad config is the author's to fix and says so, in the repository's terms.
    if (error instanceof UsageError) throw new AnalysisFailed(error.message.replaceAll(request.root + '/', ''));
    if (error instanceof IsolatedAnalysisFailed && error.reason !== 'aborted') throw new AnalysisFailed(error.message, error.reason === 'refused-module');
    throw error;
  } finally {
    timer();
  }
}
