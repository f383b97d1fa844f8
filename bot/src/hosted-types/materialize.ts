import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
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
 * Lays a cached package's files out in its install folder in the snapshot, which is deleted with
 * the snapshot after the review; the analysis may read nothing outside the snapshot, so not a
 * symbolic link. Each file is hard-linked to the cache's (same volume; nothing writes to either,
 * and removing the snapshot only unlinks), or copied where it cannot be. The folder may exist
 * already (it holds a nested package placed first); a file the snapshot has there already (a
 * committed node_modules) is kept as it is.
 */
export async function materialize(files: string, target: string): Promise<void> {
  const made = new Set<string>();
  for (const entry of await readdir(files, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const destination = path.join(target, path.relative(files, source));
    const folder = path.dirname(destination);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await link(source, destination).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      if (error.code !== 'EXDEV' && error.code !== 'EPERM' && error.code !== 'EMLINK') throw error;
      await copyFile(source, destination, constants.COPYFILE_EXCL);
    });
  }
}
