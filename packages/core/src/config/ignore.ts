import path from 'node:path';
import picomatch from 'picomatch';
import type { PremortemConfig } from './load-config.js';
import { toPosixRelative } from '../engine/project-root.js';

/** A test for the files whose findings the config's `ignore` globs (relative to `root`) silence. */
export function ignoredBy(config: PremortemConfig, root: string): (file: string) => boolean {
  const globs = config.ignore ?? [];
  if (globs.length === 0) return () => false;
  const matches = picomatch(globs, { dot: true });
  return (file) => {
    const relative = toPosixRelative(root, path.resolve(root, file));
    return !relative.startsWith('../') && matches(relative);
  };
}
