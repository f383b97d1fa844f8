import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { resolveLink } from './real-path.js';
import type { SkippedLinks } from './skipped-links.js';

/** Folders never searched: installed packages, build output, VCS data (dot folders are skipped too). */
export const IGNORED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'coverage']);

const SOURCE_FILE = /\.(?:ts|tsx|mts|cts)$/;
const TSCONFIG = 'tsconfig.json';

export interface SourceTree {
  /** Source files by real path, each once however many links lead to it. */
  sources: string[];
  /** tsconfig.json files, named in their real folder (a linked tsconfig keeps its own name: its `include` is relative to where it sits). */
  tsconfigs: string[];
}

/**
 * The source files and tsconfigs under `folders` (real paths). Symbolic links are followed only
 * when their real target is one `mayFollow` accepts (inside the folders being analyzed), each real
 * folder is walked once, so a linked source folder inside the repository is analyzed once, under
 * its real path, and a link to `/` or to a sibling checkout is recorded in `skipped` instead of
 * walked. Dot entries and IGNORED_FOLDERS are left out.
 */
export function findSources(folders: readonly string[], mayFollow: (realPath: string) => boolean, skipped: SkippedLinks): SourceTree {
  const sources = new Set<string>();
  const tsconfigs = new Set<string>();
  const walked = new Set<string>();
  const pending = [...folders];

  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    if (walked.has(folder)) continue;
    walked.add(folder);
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue; // Unlistable (permissions) or gone since it was seen: its contents are unknown.
    }
    for (const entry of entries) {
      const { name } = entry;
      if (name.startsWith('.') || IGNORED_FOLDERS.has(name)) continue;
      const entryPath = path.join(folder, name);
      const target = entry.isSymbolicLink() ? resolveLink(entryPath) : undefined;
      if (target && !mayFollow(target.realPath)) {
        if (target.stats.isDirectory() || isWanted(name)) skipped.add(entryPath);
      } else if (entry.isDirectory() || target?.stats.isDirectory()) {
        pending.push(target?.realPath ?? entryPath);
      } else if (name === TSCONFIG) {
        // Read where it sits, even through a link (its `include` is relative to here); the loader
        // stops the run on one it cannot read, as on any unreadable tsconfig.
        tsconfigs.add(entryPath);
      } else if (SOURCE_FILE.test(name) && (entry.isFile() || target?.stats.isFile())) {
        // Links to nowhere, FIFOs and sockets are left out: reading a FIFO would block the run.
        sources.add(target?.realPath ?? entryPath);
      }
    }
  }
  return { sources: [...sources], tsconfigs: [...tsconfigs] };
}

function isWanted(name: string): boolean {
  return name === TSCONFIG || SOURCE_FILE.test(name);
}
