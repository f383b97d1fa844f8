import type ts from 'typescript';
import type { ProgramQueries } from '../compiler-surface.js';
import type { Timings } from './timings.js';

const caches = new WeakMap<ProgramQueries, Map<string, unknown>>();
const fileCaches = new WeakMap<ts.SourceFile, Map<string, unknown>>();
let indexTimings: Timings | undefined;

/** While set (`--timing`), building a per-Program index is charged to `project index: <key>`. */
export function timeProgramIndexes(timings: Timings | undefined): void {
  indexTimings = timings;
}

/** Runs `compute`, timed as `project index: <name>` when `--timing` asked for it. */
export function timeProjectIndex<T>(name: string, compute: () => T): T {
  return indexTimings ? indexTimings.measure(`project index: ${name}`, compute) : compute();
}

/**
 * A value computed once per Program and key (a project index and the options it was built
 * with), then shared by every file and rule: the editor and a CLI run each pay for it once.
 */
export function perProgram<T>(program: ProgramQueries, key: string, compute: () => T): T {
  return cached(caches, program, key, () => timeProjectIndex(key.split(':')[0]!, compute));
}

/**
 * What one file's syntax alone says (its member names, its router calls), kept with the
 * SourceFile. The editor's language service hands each new Program version the unchanged files
 * as the same objects, and a monorepo run hands them from one tsconfig's Program to the next, so
 * a project index rebuilt for a new Program re-reads only the files that changed. Never for
 * anything the checker, the Program or another file decides.
 */
export function perSourceFile<T>(sourceFile: ts.SourceFile, key: string, compute: () => T): T {
  return cached(fileCaches, sourceFile, key, compute);
}

function cached<O extends object, T>(caches: WeakMap<O, Map<string, unknown>>, owner: O, key: string, compute: () => T): T {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map<string, unknown>()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}
