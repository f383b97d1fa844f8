import { existsSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import { UsageError } from '../errors.js';
import type { TypeScriptModule } from '../rule.js';
import type { ConfigProblems } from './config-problems.js';
import type { ListingBoundary } from './listing-boundary.js';
import { mayRead } from './read-boundary.js';
import { nonFileKind, type UnreadableFile } from './read-failure.js';
import type { CanonicalPaths } from './canonical-paths.js';
import { linkWorkspacePackages } from './workspace-links.js';
import type { Workspaces } from './workspace-packages.js';

/**
 * Parses tsconfigs and the projects they reference, through a host that reads only inside the
 * read boundary, lists only inside the listing boundary, and opens only regular files. Every
 * `fileNames` entry is a real path, so a file reached through a symbolic link is the same file
 * as when reached directly.
 */
export class TsconfigLoader {
  readonly configs = new Map<string, ts.ParsedCommandLine>();
  /** Files a tsconfig's `files` names that are not readable files, by real path: never handed to TypeScript. */
  readonly unreadable = new Map<string, UnreadableFile>();

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly listing: ListingBoundary,
    private readonly problems: ConfigProblems,
    private readonly names: CanonicalPaths,
    private readonly workspaces: Workspaces,
  ) {}

  /** Parses a tsconfig and, recursively, the projects it references. */
  load(configPath: string): void {
    const file = this.#inRealFolder(configPath);
    if (this.configs.has(file)) return;
    this.listing.allowRepositoryOf(path.dirname(file));
    const listed = new Set<string>();
    const host = this.#host(file, listed);
    const read = this.tsm.readConfigFile(file, (name) => host.readFile(name));
    if (read.error) {
      const detail = this.tsm.flattenDiagnosticMessageText(read.error.messageText, '\n');
      throw new UsageError(`Cannot read ${file}: ${detail}. Fix the file or pass another one with --project.`);
    }
    // No shared cache of extended files: TypeScript would then say a base's problems to its first extender only.
    const parsed = this.tsm.parseJsonConfigFileContent(read.config, host, path.dirname(file), undefined, file);
    this.problems.addDiagnostics(file, parsed.errors);
    parsed.fileNames = this.#realFileNames(parsed.fileNames, listed);
    this.configs.set(file, parsed);
    for (const reference of parsed.projectReferences ?? []) {
      const referenced = this.tsm.resolveProjectReferencePath(reference);
      if (!mayRead(referenced)) this.problems.addNote(file, `referenced project ${referenced} is outside the repository and was not read.`);
      else if (existsSync(referenced)) this.load(path.resolve(referenced));
      else this.problems.addNote(file, `referenced project ${referenced} does not exist.`);
    }
  }

  /**
   * What `include` found is real already (the listing resolves links it crosses); what `files`
   * names is checked here, so a FIFO or a dangling link listed there is reported, never opened.
   */
  #realFileNames(fileNames: readonly string[], listed: ReadonlySet<string>): string[] {
    const files = new Set<string>();
    for (const name of fileNames) {
      const file = path.resolve(name);
      if (!mayRead(file)) continue;
      if (listed.has(file)) {
        files.add(file);
        continue;
      }
      const problem = nonFileKind(file);
      if (problem !== undefined) this.unreadable.set(file, { file, reason: problem });
      else files.add(this.names.of(file));
    }
    return [...files];
  }

  /**
   * The tsconfig's folder as a real path, its own name kept: a linked tsconfig.json still reads
   * its \`include\` from where it sits, and a config reached as \`/proc/self/cwd/tsconfig.json\` is
   * the same config as the one in the repository.
   */
  #inRealFolder(configPath: string): string {
    return path.join(this.names.of(path.dirname(path.resolve(configPath))), path.basename(configPath));
  }

  /**
   * `extends` names a file, or a package's (`@acme/tsconfig/nextjs.json`), which TypeScript looks
   * up in node_modules through this host, at every level of the chain. Without node_modules, the
   * workspace's packages are linked there as the package manager would link them (see
   * linkWorkspacePackages), so a shared base config applies by its real path, with its relative
   * paths (`baseUrl`, `paths`) taken from where it really is.
   */
  #host(configPath: string, listed: Set<string>): ts.ParseConfigHost {
    const host = this.#fileHost(configPath, listed);
    const workspace = this.workspaces.of(path.dirname(configPath));
    return workspace ? linkWorkspacePackages(host, workspace, { whereAbsent: true }) : host;
  }

  #fileHost(configPath: string, listed: Set<string>): ts.ParseConfigHost {
    const { sys } = this.tsm;
    const readDirectory = this.listing.readDirectory((folder) => this.problems.addRefusedListing(configPath, folder));
    return {
      useCaseSensitiveFileNames: sys.useCaseSensitiveFileNames,
      readDirectory: (root, extensions, excludes, includes, depth) => {
        const found = readDirectory(root, extensions, excludes, includes, depth);
        for (const file of found) listed.add(path.resolve(file));
        return found;
      },
      fileExists: (file) => mayRead(file) && sys.fileExists(file),
      // Only regular files: a FIFO named in `extends` would block the read forever.
      readFile: (file) => (mayRead(file) && nonFileKind(file) === undefined ? sys.readFile(file) : undefined),
    };
  }
}
