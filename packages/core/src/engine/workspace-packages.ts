import path from 'node:path';
import { globSync } from 'tinyglobby';
import { findWorkspaceRoot, toPosixRelative } from './project-root.js';
import { toSourceEntryPoints } from './source-entry-points.js';
import { readPackageManifest, readWorkspacePatterns, type PackageManifest } from './workspace-manifest.js';

/** One package of a workspace: what its package.json says, and where it lives. */
export interface WorkspacePackage {
  readonly name: string;
  /** Absolute. */
  readonly folder: string;
  readonly manifest: PackageManifest;
}

/** How deep a workspace glob such as `**` is followed: real monorepos nest packages three or four levels. */
const MAX_PACKAGE_DEPTH = 6;
const NEVER_PACKAGES = ['**/node_modules/**', '**/.git/**'];
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * The packages of an npm, yarn or pnpm workspace, by name, as the package manager links them
 * into node_modules at install. Every manifest is read once, as data (never run), size-limited;
 * a broken one is a note, and the rest of the workspace still resolves.
 */
export class Workspace {
  readonly packages = new Map<string, WorkspacePackage>();
  readonly notes: string[] = [];
  readonly #sourceManifests = new Map<WorkspacePackage, string>();

  private constructor(readonly root: string) {}

  /** Reads the workspace declared at `root` (which must declare one). */
  static read(root: string): Workspace {
    const workspace = new Workspace(root);
    const patterns = readWorkspacePatterns(root);
    if (patterns && 'problem' in patterns) workspace.notes.push(`${patterns.problem}; workspace packages were not resolved by name.`);
    else if (patterns) workspace.#addPackages(patterns.value);
    return workspace;
  }

  #addPackages(patterns: readonly string[]): void {
    const include: string[] = [];
    const ignore = [...NEVER_PACKAGES];
    for (const pattern of patterns) {
      const negated = pattern.startsWith('!');
      const glob = path.posix.normalize((negated ? pattern.slice(1) : pattern).replace(/\\/g, '/')).replace(/\/+$/, '');
      // Only the workspace's own folders: a glob reaching above it names another tree, which is not read.
      if (glob.startsWith('../') || glob === '..' || path.posix.isAbsolute(glob)) {
        this.notes.push(`the workspace glob ${pattern} reaches outside ${this.root} and was ignored.`);
        continue;
      }
      const base = glob === '.' ? '' : `${glob}/`;
      if (negated) ignore.push(`${base}package.json`, `${base}**`);
      else include.push(`${base}package.json`);
    }
    if (include.length === 0) return;
    const manifests = globSync(include, { cwd: this.root, ignore, followSymbolicLinks: false, deep: MAX_PACKAGE_DEPTH + 1 }).sort();
    for (const manifestPath of manifests) {
      const folder = path.join(this.root, path.dirname(manifestPath));
      const read = readPackageManifest(folder);
      if (!read) continue;
      if ('problem' in read) {
        this.notes.push(`${manifestPath} ${read.problem}; that package is not resolved by name.`);
        continue;
      }
      const name = read.value['name'];
      if (typeof name !== 'string' || name === '') continue;
      const known = this.packages.get(name);
      if (known) {
        this.notes.push(`${manifestPath} and ${toPosixRelative(this.root, known.folder)}/package.json are both named ${name}; imports of it resolve to the first.`);
        continue;
      }
      this.packages.set(name, { name, folder, manifest: read.value });
    }
  }

  /** `pkg`'s package.json as resolution sees it before the build (see toSourceEntryPoints), as JSON text. */
  sourceManifestText(pkg: WorkspacePackage): string {
    let text = this.#sourceManifests.get(pkg);
    if (text === undefined) this.#sourceManifests.set(pkg, (text = JSON.stringify(toSourceEntryPoints(pkg.folder, pkg.manifest))));
    return text;
  }

  /** The workspace package a bare specifier (`@acme/db`, `@acme/db/client`) names, and the subpath below it. */
  packageOf(specifier: string): { pkg: WorkspacePackage; subpath: string } | undefined {
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const pkg = this.packages.get(parts.slice(0, nameLength).join('/'));
    return pkg && { pkg, subpath: parts.slice(nameLength).join('/') };
  }

  /** The workspace package whose folder holds `file` most closely. */
  packageContaining(file: string): WorkspacePackage | undefined {
    let best: WorkspacePackage | undefined;
    for (const pkg of this.packages.values()) {
      const inside = file === pkg.folder || file.startsWith(pkg.folder + path.sep);
      if (inside && (!best || pkg.folder.length > best.folder.length)) best = pkg;
    }
    return best;
  }

  /** The workspace packages `pkg` declares as dependencies (any kind), by name, sorted. */
  dependenciesOf(pkg: WorkspacePackage): WorkspacePackage[] {
    const names = new Set<string>();
    for (const field of DEPENDENCY_FIELDS) {
      const declared = pkg.manifest[field];
      if (typeof declared === 'object' && declared !== null) for (const name of Object.keys(declared)) names.add(name);
    }
    return [...names]
      .sort()
      .flatMap((name) => {
        const dependency = this.packages.get(name);
        return dependency && dependency !== pkg ? [dependency] : [];
      });
  }
}

/**
 * The workspaces one run meets, each read once: every tsconfig, Program and schema search of the
 * run asks here, so a monorepo's package.json files are parsed once, not once per tsconfig.
 */
export class Workspaces {
  readonly #byRoot = new Map<string, Workspace | undefined>();
  readonly #rootOf = new Map<string, string | undefined>();

  /** The workspace `folder` belongs to. */
  of(folder: string): Workspace | undefined {
    const key = path.resolve(folder);
    if (!this.#rootOf.has(key)) this.#rootOf.set(key, findWorkspaceRoot(key));
    const root = this.#rootOf.get(key);
    if (root === undefined) return undefined;
    if (!this.#byRoot.has(root)) this.#byRoot.set(root, Workspace.read(root));
    return this.#byRoot.get(root);
  }

  /** What the workspaces read so far had to say, each once. */
  notes(): string[] {
    return [...new Set([...this.#byRoot.values()].flatMap((workspace) => workspace?.notes ?? []))];
  }
}
