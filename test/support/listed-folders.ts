import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

// The CommonJS `fs` object: TypeScript's `sys` calls through it, and `syncBuiltinESMExports`
// hands a replaced function to every ES module's `import { readdirSync } from 'node:fs'`.
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/** Runs `run` and returns every folder listed meanwhile (`readdirSync`, `opendirSync`), resolved. */
export function recordListings<T>(run: () => T): { result: T; listed: string[] } {
  const listed: string[] = [];
  const { readdirSync, opendirSync } = fs;
  fs.readdirSync = ((folder: import('node:fs').PathLike, ...rest: unknown[]) => {
    listed.push(path.resolve(String(folder)));
    return (readdirSync as (...args: unknown[]) => unknown)(folder, ...rest);
  }) as typeof fs.readdirSync;
  fs.opendirSync = ((folder: import('node:fs').PathLike, ...rest: unknown[]) => {
    listed.push(path.resolve(String(folder)));
    return (opendirSync as (...args: unknown[]) => unknown)(folder, ...rest);
  }) as typeof fs.opendirSync;
  syncBuiltinESMExports();
  try {
    return { result: run(), listed };
  } finally {
    fs.readdirSync = readdirSync;
    fs.opendirSync = opendirSync;
    syncBuiltinESMExports();
  }
}

/** `file` is `folder` or below it. */
export function isInside(file: string, folder: string): boolean {
  return file === folder || file.startsWith(folder + path.sep);
}
