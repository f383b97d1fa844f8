import { cp } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a lockfile location lands under the snapshot `root`, or undefined when it could not be an
 * install folder: the lockfile comes from the pull request, so `..`, absolute paths and anything not
 * ending in `node_modules/<name>` are refused.
 */
export function installFolder(root: string, location: string): string | undefined {
  const segments = location.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0'))) return undefined;
  const modules = segments.lastIndexOf('node_modules');
  const nameLength = segments.length - modules - 1;
  if (modules === -1 || nameLength < 1 || nameLength > 2 || (nameLength === 2 && !segments[modules + 1]!.startsWith('@'))) return undefined;
  const target = path.resolve(root, ...segments);
  return target.startsWith(root + path.sep) ? target : undefined;
}

/**
 * Copies a cached package's declarations to its install folder in the snapshot, which is deleted
 * with the snapshot after the review; the analysis may read nothing outside the snapshot, so a
 * copy, not a link. The folder may exist already (it holds a nested package placed first); a file
 * the snapshot has there already (a committed node_modules) is kept as it is.
 */
export async function materialize(files: string, target: string): Promise<void> {
  await cp(files, target, { recursive: true, errorOnExist: false, force: false });
}
