import path from 'node:path';
import { isInsideFolder, realPathOrSelf } from './canonical-paths.js';

let allowedFolders: string[] | undefined;

/**
 * From now on, this process (or worker thread: each has its own modules) reads files only inside
 * these folders: tsconfigs and their `extends`, sources, module resolution, the Prisma schema,
 * the stats file. The review bot sets it to the snapshot (and TypeScript's lib folder), so a
 * pull request's tsconfig or config cannot make it read, and report on, the server's files.
 * Paths are compared as resolved, not real, paths: snapshots hold no symbolic links. Each folder
 * is also allowed under its real path, since the engine names files by their real paths when
 * a link leads elsewhere (see CanonicalPaths).
 */
export function confineReads(folders: readonly string[]): void {
  allowedFolders = [...new Set(folders.flatMap((folder) => [path.resolve(folder), realPathOrSelf(folder)]))];
}

/** Whether a file or folder may be read: always, unless `confineReads` said otherwise. */
export function mayRead(file: string): boolean {
  if (!allowedFolders) return true;
  const resolved = path.resolve(file);
  return allowedFolders.some((folder) => isInsideFolder(resolved, folder));
}

/** Whether `confineReads` was called in this process or worker. */
export function readsConfined(): boolean {
  return allowedFolders !== undefined;
}
