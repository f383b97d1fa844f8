import { spawn } from 'node:child_process';
import { lstatSync, realpathSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { findProjectRoot } from '../engine/project-root.js';
import { UsageError } from '../errors.js';
import type { AnalysisRecipe, ConfiguredResult } from '../engine/configured-analysis.js';
import type { InstalledProgram } from './installed-program.js';
import { describeRefusal } from './refuse-foreign-modules.js';

/** What the parent sends: the recipe, and the code the child may load. */
export interface IsolatedRequest {
  recipe: AnalysisRecipe;
  program: string[];
  progress: boolean;
}

/** What the child answers, one message each; `progress` any number of times first. */
export type IsolatedReply =
  | { type: 'progress'; done: number; total: number; building?: string }
  | { type: 'result'; result: ConfiguredResult }
  | { type: 'refused'; refused: string[] }
  | { type: 'usage'; message: string }
  | { type: 'crashed'; message: string };

export interface IsolationLimits {
  /** Unbounded when absent. */
  timeoutMs?: number;
  /** The child's heap (`--max-old-space-size`); Node's default when absent. */
  maxMemoryMb?: number;
}

/** The isolated analysis could not finish; `reason` says why, the message says it for people. */
export class IsolatedAnalysisFailed extends Error {
  constructor(
    readonly reason: 'timeout' | 'memory' | 'refused-module' | 'crashed' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface IsolatedRun {
  /** The child's script: it calls `serveIsolatedAnalysis`. */
  entry: string;
  request: Omit<IsolatedRequest, 'program' | 'progress'>;
  program: InstalledProgram;
  /** What the analysis must read besides the program: the analyzed folders. */
  readable: readonly string[];
  limits: IsolationLimits;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, building?: string) => void;
  /** Told the child's process id once it runs (logs, and tests that look at the child). */
  onSpawn?: (pid: number) => void;
}

/** Environment variables the child gets, when set: none carries a credential. */
const PASSED_ENVIRONMENT = ['LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT'];
const MAX_STDERR = 64 * 1024;

/**
 * Runs an analysis in a child process that Node's permission model confines: it reads only the
 * analyzed folders and the installed program, writes nothing, starts no process, and its
 * environment holds no token. Inside, code loads only from the program (refuse-foreign-modules.ts).
 * A deadline and a heap limit bound it; an abort kills it.
 */
export function runIsolatedAnalysis(run: IsolatedRun): Promise<ConfiguredResult> {
  run.signal?.throwIfAborted();
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_ENVIRONMENT) if (process.env[name] !== undefined) env[name] = process.env[name];
  const child = spawn(process.execPath, [...isolationFlags([...run.readable, ...run.program.readable], run.limits), run.entry], {
    cwd: run.request.recipe.cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-MAX_STDERR);
  });

  return new Promise<ConfiguredResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      outcome();
    };
    const onAbort = () => finish(() => reject(run.signal?.reason instanceof Error ? run.signal.reason : new IsolatedAnalysisFailed('aborted', 'The analysis was stopped.')));
    const { timeoutMs, maxMemoryMb } = run.limits;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(() => reject(new IsolatedAnalysisFailed('timeout', `The analysis took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`))), timeoutMs);
    run.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('spawn', () => {
      if (child.pid !== undefined) run.onSpawn?.(child.pid);
      const request: IsolatedRequest = { ...run.request, program: run.program.packages, progress: run.onProgress !== undefined };
      child.send(request);
    });
    child.on('message', (reply: IsolatedReply) => {
      switch (reply.type) {
        case 'progress':
          run.onProgress?.(reply.done, reply.total, reply.building);
          return;
        case 'result':
          finish(() => resolve(reply.result));
          return;
        case 'refused':
          finish(() => reject(refusedError(reply.refused)));
          return;
        case 'usage':
          finish(() => reject(new UsageError(reply.message)));
          return;
        case 'crashed':
          finish(() => reject(new IsolatedAnalysisFailed('crashed', `The analysis failed: ${reply.message}`)));
      }
    });
    child.once('error', (error) => finish(() => reject(new IsolatedAnalysisFailed('crashed', `The analysis could not start: ${error.message}`))));
    child.once('exit', (code, signal) =>
      finish(() => {
        if (/heap out of memory|Reached heap limit/i.test(stderr)) {
          reject(new IsolatedAnalysisFailed('memory', `The analysis needed more memory than ${maxMemoryMb === undefined ? 'Node allows' : `its limit of ${maxMemoryMb} MB`} and was stopped.`));
        } else {
          const last = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
          reject(new IsolatedAnalysisFailed('crashed', `The analysis stopped unexpectedly (${signal ?? `exit code ${code}`})${last ? `: ${last}` : ''}.`));
        }
      }),
    );
  });
}

function refusedError(files: readonly string[]): IsolatedAnalysisFailed {
  return new IsolatedAnalysisFailed('refused-module', describeRefusal(files));
}

/**
 * Node's permission model (`--permission`, `--experimental-permission` before Node 22): reads
 * only of `readable`, no writes, no child processes, no addons. Where Node has no in-thread module
 * hooks (before 22.15), the guard's hooks need a worker thread; workers run under the same
 * permissions (test/trust checks it), so that is allowed, and nothing else.
 */
export function isolationFlags(readable: readonly string[], limits: IsolationLimits): string[] {
  const permission = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
  const flags = [permission, ...[...new Set(readable)].map((folder) => `--allow-fs-read=${folder}`)];
  if (!('registerHooks' in Module)) flags.push('--allow-worker');
  if (limits.maxMemoryMb !== undefined) flags.push(`--max-old-space-size=${limits.maxMemoryMb}`);
  flags.push('--disable-warning=ExperimentalWarning', '--disable-warning=SecurityWarning');
  return flags;
}

/**
 * The folders an analysis reads: each path's repository, the paths, the cwd's repository, the
 * tsconfig's folder, and where a linked `node_modules` of theirs really is (`review`'s exported base).
 * Node's permission model does not resolve symbolic links; the read boundary compares resolved paths.
 */
export function analyzedFolders(recipe: Pick<AnalysisRecipe, 'cwd' | 'paths' | 'project'>): string[] {
  const targets = (recipe.paths.length > 0 ? recipe.paths : ['.']).map((p) => path.resolve(recipe.cwd, p));
  if (recipe.project !== undefined) targets.push(path.dirname(path.resolve(recipe.cwd, recipe.project)));
  const folders = new Set([findProjectRoot(recipe.cwd), ...targets, ...targets.map((target) => findProjectRoot(target))]);
  return [...new Set([...folders, ...[...folders].flatMap(linkedModuleFolder)])];
}

/** Where `folder/node_modules` really is, when it is a symbolic link. */
export function linkedModuleFolder(folder: string): string[] {
  const modules = path.join(folder, 'node_modules');
  try {
    return lstatSync(modules).isSymbolicLink() ? [realpathSync(modules)] : [];
  } catch {
    return [];
  }
}
