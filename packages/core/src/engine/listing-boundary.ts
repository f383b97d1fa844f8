import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { TypeScriptModule } from '../rule.js';
import { findProjectRoot } from './project-root.js';
import { mayRead } from './read-boundary.js';
import { isInsideFolder, realPathOrSelf, resolveLink, type CanonicalPaths } from './canonical-paths.js';
import type { SkippedLinks } from './skipped-links.js';

/** What TypeScript's include matcher asks of a folder: the names of its files and subfolders. */
interface FileSystemEntries {
  readonly files: readonly string[];
  readonly directories: readonly string[];
}

/**
 * TypeScript's own `include`/`exclude` matcher, the one behind `ts.sys.readDirectory`, with the
 * listing left to the caller. Internal to TypeScript, but unchanged in shape from 2.x to 6.0;
 * matching `tsconfig` globs any other way would disagree with `tsc` on some pattern.
 */
type MatchFiles = (
  path: string,
  extensions: readonly string[] | undefined,
  excludes: readonly string[] | undefined,
  includes: readonly string[] | undefined,
  useCaseSensitiveFileNames: boolean,
  currentDirectory: string,
  depth: number | undefined,
  getFileSystemEntries: (path: string) => FileSystemEntries,
  realpath: (path: string) => string,
) => string[];

/** `readDirectory` as TypeScript's hosts declare it. */
export type ReadDirectory = (
  rootDir: string,
  extensions: readonly string[],
  excludes: readonly string[] | undefined,
  includes: readonly string[],
  depth?: number,
) => string[];

const NOTHING: FileSystemEntries = { files: [], directories: [] };

/**
 * Where TypeScript may list folders while expanding a tsconfig's `include` (in planning, and
 * again for project references while the Program is built): the repositories of the paths given
 * and of the tsconfigs loaded (each one's git work tree, else its own folder), and never outside
 * the read boundary. `"include": ["../../../proc/**\/*"]` or `"/etc/**\/*"` would otherwise walk
 * the machine: 33,000 entries under /proc alone. Symbolic links are followed only to a target
 * inside; the rest are recorded in `skippedLinks`.
 */
export class ListingBoundary {
  readonly #roots = new Set<string>();
  readonly #matchFiles: MatchFiles;

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly cwd: string,
    private readonly skippedLinks: SkippedLinks,
    private readonly names: CanonicalPaths,
  ) {
    this.#matchFiles = getMatchFiles(tsm);
  }

  /** Lets TypeScript list the repository `folder` is in. */
  allowRepositoryOf(folder: string): void {
    this.#roots.add(findProjectRoot(folder));
  }

  /** Whether `folder` (or a file) is inside the boundary. */
  #contains(folder: string): boolean {
    const resolved = path.resolve(folder);
    if (!mayRead(resolved)) return false;
    for (const root of this.#roots) if (isInsideFolder(resolved, root)) return true;
    return false;
  }

  /**
   * A `readDirectory` that matches as TypeScript does but lists only inside the boundary. A
   * folder outside is reported to `onRefused` (an `include` that reaches out) and yields
   * nothing; files reached through a symbolic link come back under their real paths.
   */
  readDirectory(onRefused: (folder: string) => void): ReadDirectory {
    return (rootDir, extensions, excludes, includes, depth) => {
      let followedLink = false;
      const entries = (folder: string): FileSystemEntries => {
        if (!this.#contains(folder)) {
          onRefused(path.resolve(folder));
          return NOTHING;
        }
        const listed = this.#list(folder, extensions);
        followedLink ||= listed.followedLink;
        return listed;
      };
      const realpath = (folder: string): string => (this.#contains(folder) ? realPathOrSelf(folder) : folder);
      const { useCaseSensitiveFileNames } = this.tsm.sys;
      const found = this.#matchFiles(rootDir, extensions, excludes, includes, useCaseSensitiveFileNames, this.cwd, depth, entries, realpath);
      // Real paths only when a link was crossed: one realpath per file would cost a monorepo dearly.
      return followedLink ? [...new Set(found.map((file) => this.names.of(file)))] : found;
    };
  }

  #list(folder: string, extensions: readonly string[]): FileSystemEntries & { followedLink: boolean } {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(folder, { withFileTypes: true });
    } catch {
      return { ...NOTHING, followedLink: false };
    }
    const files: string[] = [];
    const directories: string[] = [];
    let followedLink = false;
    for (const dirent of dirents) {
      if (dirent.isFile()) files.push(dirent.name);
      else if (dirent.isDirectory()) directories.push(dirent.name);
      else if (dirent.isSymbolicLink()) {
        const link = path.join(folder, dirent.name);
        const target = resolveLink(link);
        const isDirectory = target?.stats.isDirectory() === true;
        const isSource = target?.stats.isFile() === true && extensions.some((extension) => dirent.name.endsWith(extension));
        // A link to nowhere, or to something TypeScript would not take anyway: as TypeScript does, pass over it.
        if (!target || (!isDirectory && !isSource)) continue;
        if (!this.#contains(this.names.ofReal(target.realPath))) {
          this.skippedLinks.add(link);
          continue;
        }
        followedLink = true;
        (isDirectory ? directories : files).push(dirent.name);
      }
      // FIFOs, sockets and devices are left out: reading a FIFO would block the run.
    }
    return { files, directories, followedLink };
  }
}

function getMatchFiles(tsm: TypeScriptModule): MatchFiles {
  const candidate: unknown = (tsm as unknown as Record<string, unknown>)['matchFiles'];
  if (typeof candidate !== 'function') {
    throw new Error(`premortem: TypeScript ${tsm.version} has no matchFiles, which premortem needs to keep tsconfig "include" inside the repository. Use TypeScript 5.4–6.0.`);
  }
  return candidate as MatchFiles;
}
