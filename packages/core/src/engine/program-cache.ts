import type ts from 'typescript';
import type { Timings } from './timings.js';

const caches = new WeakMap<ts.Program, Map<string, unknown>>();
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
export function perProgram<T>(program: ts.Program, key: string, compute: () => T): T {
  let cache = caches.get(program);
  if (!cache) caches.set(program, (cache = new Map<string, unknown>()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = timeProjectIndex(key.split(':')[0]!, compute);
  cache.set(key, value);
  return value;
}
