import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { nonFileKind, systemMessage, type UnreadableFile } from './read-failure.js';
import { resolveLink, type CanonicalPaths } from './canonical-paths.js';
import type { SkippedLinks } from './skipped-links.js';

/** Folders never searched: installed packages, build output, VCS data (dot folders are skipped too). */
const IGNORED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'coverage']);

const SOURCE_FILE = /\.(?:ts|tsx|mts|cts)$/;
const TSCONFIG = 'tsconfig.json';

export interface SourceTree {
  /** Source files by real (canonical) path, each once however many links lead to it. */
  sources: string[];
  /** tsconfig.json files, named in their real folder (a linked tsconfig keeps its own name: its `include` is relative to where it sits). */
  tsconfigs: string[];
  /** Entries named like sources that are not readable files: a dangling link, a FIFO. */
  unreadable: UnreadableFile[];
  /** Folders that could not be listed (permissions), with the system's reason. */
  unlisted: UnreadableFile[];
}

/**
 * The source files and tsconfigs under `folders` (canonical paths). Symbolic links are followed
 * only when their real target is one `mayFollow` accepts (inside the folders being analyzed), each
 * real folder is walked once, so a linked source folder inside the repository is analyzed once,
 * under its real path (see CanonicalPaths), and a link to `/` or to a sibling checkout is recorded in `skipped` instead of
 * walked. Dot entries and IGNORED_FOLDERS are left out.
 */
export function findSources(
  folders: readonly string[],
  mayFollow: (file: string) => boolean,
  skipped: SkippedLinks,
  names: CanonicalPaths,
): SourceTree {
  const sources = new Set<string>();
  const tsconfigs = new Set<string>();
  const unreadable: UnreadableFile[] = [];
  const unlisted: UnreadableFile[] = [];
  const walked = new Set<string>();
  const pending = [...folders];

  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    if (walked.has(folder)) continue;
    walked.add(folder);
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      unlisted.push({ file: folder, reason: systemMessage(error) });
      continue;
    }
    for (const entry of entries) {
      const { name } = entry;
      if (name.startsWith('.') || IGNORED_FOLDERS.has(name)) continue;
      const entryPath = path.join(folder, name);
      const link = entry.isSymbolicLink() ? resolveLink(entryPath) : undefined;
      const target = link && { name: names.ofReal(link.realPath), stats: link.stats };
      if (target && !mayFollow(target.name)) {
        if (target.stats.isDirectory() || isWanted(name)) skipped.add(entryPath);
      } else if (entry.isDirectory() || target?.stats.isDirectory()) {
        pending.push(target?.name ?? entryPath);
      } else if (name === TSCONFIG) {
        // Read where it sits, even through a link (its `include` is relative to here); the loader
        // stops the run on one it cannot read, as on any unreadable tsconfig.
        tsconfigs.add(entryPath);
      } else if (!SOURCE_FILE.test(name)) {
        continue;
      } else if (entry.isFile() || target?.stats.isFile()) {
        sources.add(target?.name ?? entryPath);
      } else {
        // A link to nowhere, a FIFO, a socket: reported, never opened (reading a FIFO would block the run).
        unreadable.push({ file: entryPath, reason: nonFileKind(entryPath) ?? 'it is not a file' });
      }
    }
  }
  return { sources: [...sources], tsconfigs: [...tsconfigs], unreadable, unlisted };
}

function isWanted(name: string): boolean {
  return name === TSCONFIG || SOURCE_FILE.test(name);
}
