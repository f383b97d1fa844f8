import path from 'node:path';
import picomatch from 'picomatch';
import type { PremortemConfig } from './load-config.js';

/** A test for the files whose findings the config's `ignore` globs (relative to `root`) silence. */
export function ignoredBy(config: PremortemConfig, root: string): (file: string) => boolean {
  const globs = config.ignore ?? [];
  if (globs.length === 0) return () => false;
  const matches = picomatch(globs, { dot: true });
  return (file) => {
    const relative = path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
    return !relative.startsWith('../') && matches(relative);
  };
}
