import { realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';

/** `file` is `folder` or below it; both resolved. */
export function isInsideFolder(file: string, folder: string): boolean {
  return file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}

/** The real path of `file` (links resolved), or `file` resolved as it stands when it has none (it does not exist). */
export function realPathOrSelf(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

/** A link's real path and what is there, or undefined for a link to nowhere (or a loop). */
export function resolveLink(link: string): { realPath: string; stats: Stats } | undefined {
  try {
    const realPath = realpathSync.native(link);
    return { realPath, stats: statSync(realPath) };
  } catch {
    return undefined;
  }
}

/**
 * One name per file for a run: its real path, so a file reached through several links is one
 * file, except below the folders the run was given (the cwd, the repositories of the paths),
 * which keep the spelling they were given. On macOS the temporary folder /var/folders/… is
 * really /private/var/folders/…; whoever named a folder one way (the bot its snapshot, a test
 * its project) makes paths relative to it that way, and a Program must not see a file twice.
 */
export class CanonicalPaths {
  readonly #spelled: Array<{ real: string; given: string }> = [];

  /** Files below `folder`'s real path are named below `folder` as given. */
  keepSpelling(folder: string): void {
    const given = path.resolve(folder);
    const real = realPathOrSelf(given);
    if (real !== given && !this.#spelled.some((known) => known.real === real)) this.#spelled.push({ real, given });
  }

  /** The name of `file`. */
  of(file: string): string {
    return this.ofReal(realPathOrSelf(file));
  }

  /** The name of a path that is already real. */
  ofReal(realPath: string): string {
    for (const { real, given } of this.#spelled) if (isInsideFolder(realPath, real)) return given + realPath.slice(real.length);
    return realPath;
  }
}
