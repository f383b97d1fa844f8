import { Worker } from 'node:worker_threads';
import type { RunResult } from '@premortem/core';

export interface AnalysisRequest {
  /** The snapshot's folder: its `.github/premortem.yml` applies, nothing in it is run. */
  root: string;
  /** False for the base, whose Prisma queries are all that is wanted. */
  withRules: boolean;
}

export type AnalysisResponse = RunResult;
export type WorkerReply = { ok: true; result: AnalysisResponse } | { ok: false; message: string };

export interface AnalysisLimits {
  timeoutMs: number;
  maxMemoryMb: number;
}

export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = { timeoutMs: 10 * 60_000, maxMemoryMb: 4096 };

/** The analysis could not finish: the message is for the pull request's author. */
export class AnalysisFailed extends Error {}

/**
 * Analyzes a snapshot in a worker thread with a memory cap and a deadline, so a huge or hostile
 * repository costs one failed check, never the server.
 */
export function analyzeSnapshot(request: AnalysisRequest, limits: AnalysisLimits, signal: AbortSignal): Promise<AnalysisResponse> {
  signal.throwIfAborted();
  const worker = new Worker(new URL('./analysis-worker.js', import.meta.url), {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
  });
  return new Promise<AnalysisResponse>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')));
    const timer = setTimeout(
      () => finish(() => reject(new AnalysisFailed(`The analysis took longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped.`))),
      limits.timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: WorkerReply) => finish(() => (reply.ok ? resolve(reply.result) : reject(new AnalysisFailed(reply.message)))));
    worker.once('error', (error: Error & { code?: string }) =>
      finish(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new AnalysisFailed(`The analysis needed more than ${limits.maxMemoryMb} MB and was stopped.`)
            : new AnalysisFailed(`The analysis failed: ${error.message}`),
        ),
      ),
    );
    worker.once('exit', (code) => finish(() => reject(new AnalysisFailed(`The analysis stopped unexpectedly (exit code ${code}).`))));
  });
}
