import { existsSync } from 'node:fs';
import path from 'node:path';
import { mayRead } from './read-boundary.js';

/** The enclosing git work tree, else `cwd`: fingerprints are relative to it, so they do not depend on where the command ran. */
export function findProjectRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir || !mayRead(path.dirname(dir))) return path.resolve(cwd);
  }
}

export function toPosixRelative(from: string, file: string): string {
  return path.relative(from, file).split(path.sep).join('/');
}
