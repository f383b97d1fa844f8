import type ts from 'typescript';

const caches = new WeakMap<ts.Program, Map<string, unknown>>();

/**
 * A value computed once per Program and key (a project index and the options it was built
 * with), then shared by every file and rule: the editor and a CLI run each pay for it once.
 */
export function perProgram<T>(program: ts.Program, key: string, compute: () => T): T {
  let cache = caches.get(program);
  if (!cache) caches.set(program, (cache = new Map<string, unknown>()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}
