import { realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';

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
