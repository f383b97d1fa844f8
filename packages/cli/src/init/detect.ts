import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { findProjectRoot, locatePrismaSchema, readPackageManifest, toPosixRelative, type PackageManifest, type TypeScriptModule } from '@premortem/core';

/** Every file `premortem init` reads is one of these: a manifest, a lockfile marker, a config. */
export const MAX_READ_BYTES = 256 * 1024;

export type PackageManagerName = 'npm' | 'pnpm' | 'yarn' | 'yarn-berry' | 'bun';

export interface PackageManager {
  name: PackageManagerName;
  /** The lockfile it was recognized by; undefined when only guessed (no lockfile). */
  lockfile: string | undefined;
  /** package.json `packageManager`, e.g. `pnpm@9.12.0`, when set. */
  pinned: string | undefined;
}

export interface PrismaSchemaFound {
  /** Relative to the root, POSIX: a file, or the folder of a multi-file schema. */
  path: string;
  /** How it was found, in words. */
  via: string;
  notes: string[];
}

export interface Detection {
  /** The repository root: `.github/` goes here. */
  root: string;
  /** The folder init was pointed at. */
  target: string;
  packageManager: PackageManager;
  /** The root declares workspaces (package.json `workspaces`, pnpm-workspace.yaml). */
  workspaces: boolean;
  /** Dependencies named in the root's (and the target's) package.json. */
  dependencies: Set<string>;
  schema: PrismaSchemaFound | undefined;
  schemaNotes: string[];
  /** Files named like app shells that the rule's default `shells` globs miss, relative to the root. */
  shells: string[];
  /** The branch pushes go to, for the workflow's `push` trigger. */
  defaultBranch: string;
}

/** Reads a regular file of at most MAX_READ_BYTES as text; undefined when absent, not a file, or too large. */
export function readSmallText(file: string): string | undefined {
  try {
    const stats = statSync(file);
    if (!stats.isFile() || stats.size > MAX_READ_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A package.json parsed as JSON (never run), as the analysis reads it; undefined when absent or unreadable. */
export function readManifest(folder: string): PackageManifest | undefined {
  const read = readPackageManifest(folder);
  return read && 'value' in read ? read.value : undefined;
}

/** Looks at the project without running anything in it: files are read as data, nothing is imported. */
export function detectProject(tsm: TypeScriptModule, target: string): Detection {
  const root = findProjectRoot(target);
  const rootManifest = readManifest(root);
  const targetManifest = target === root ? undefined : readManifest(target);
  const dependencies = new Set([...dependencyNames(rootManifest), ...dependencyNames(targetManifest)]);
  const { schema, notes } = findSchema(tsm, root, target);
  return {
    root,
    target,
    packageManager: detectPackageManager(root, rootManifest),
    workspaces: isFile(path.join(root, 'pnpm-workspace.yaml')) || rootManifest?.['workspaces'] !== undefined,
    dependencies,
    schema,
    schemaNotes: notes,
    shells: findUnmatchedShells(root),
    defaultBranch: detectDefaultBranch(root),
  };
}

function dependencyNames(manifest: Record<string, unknown> | undefined): string[] {
  if (!manifest) return [];
  return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((key) => {
    const value = manifest[key];
    return typeof value === 'object' && value !== null ? Object.keys(value) : [];
  });
}

const LOCKFILES: [string, PackageManagerName][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** By lockfile; else by package.json `packageManager`; else npm. Yarn 2+ is told apart by its `.yarnrc.yml`. */
export function detectPackageManager(root: string, manifest: Record<string, unknown> | undefined): PackageManager {
  const pinnedValue = manifest?.['packageManager'];
  const pinned = typeof pinnedValue === 'string' ? pinnedValue : undefined;
  const berry = (name: PackageManagerName): PackageManagerName =>
    name === 'yarn' && (isFile(path.join(root, '.yarnrc.yml')) || /^yarn@(?:[2-9]|\d\d)/.test(pinned ?? '')) ? 'yarn-berry' : name;
  for (const [lockfile, name] of LOCKFILES) {
    if (isFile(path.join(root, lockfile))) return { name: berry(name), lockfile, pinned };
  }
  const fromField = /^(npm|pnpm|yarn|bun)@/.exec(pinned ?? '')?.[1] as PackageManagerName | undefined;
  return { name: berry(fromField ?? 'npm'), lockfile: undefined, pinned };
}

/** The schema of the folder init was pointed at (a workspace package), else the repository's. */
function findSchema(tsm: TypeScriptModule, root: string, target: string): { schema: PrismaSchemaFound | undefined; notes: string[] } {
  const location = (target !== root ? locatePrismaSchema(tsm, target) : undefined) ?? locatePrismaSchema(tsm, root);
  if (!location) return { schema: undefined, notes: [] };
  const [first] = location.files;
  if (!first) return { schema: undefined, notes: location.diagnostics };
  // A multi-file schema is named by its folder.
  const schemaPath = location.files.length > 1 ? commonFolder(location.files) : first;
  const relative = toPosixRelative(root, schemaPath);
  const via = describeVia(location.via, relative);
  return { schema: { path: relative, via, notes: location.diagnostics }, notes: location.diagnostics };
}

function describeVia(via: string, relative: string): string {
  if (via === 'package.json prisma.schema') return 'package.json `prisma.schema`';
  if (/prisma\.config|\.config\/prisma/.test(via)) return `\`schema\` in ${via}, read as text`;
  if (['schema.prisma', 'prisma/schema.prisma', 'prisma/schema'].includes(via)) return "Prisma's default location";
  return relative === via || relative.startsWith(`${via}/`) || via.endsWith('.prisma') || via.endsWith('/schema')
    ? 'the shallowest schema in the repository'
    : via;
}

function commonFolder(files: readonly string[]): string {
  let folder = path.dirname(files[0] ?? '');
  while (!files.every((file) => file.startsWith(folder + path.sep)) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  return folder;
}

/** The names `no-fetch-on-every-page`'s default `shells` glob matches: `**\/{Shell,AppShell,app-shell,shell}.{tsx,jsx}`. */
export const DEFAULT_SHELL_NAMES = /^(?:Shell|AppShell|app-shell|shell)\.[jt]sx$/;
/** Files named like a shell (`MainShell.tsx`, `dashboard-shell.tsx`); test and story files have another dot and do not match. */
const SHELL_LIKE_NAME = /^[A-Za-z0-9_]*(?:Shell|[-_]shell)\.[jt]sx$/;
/** Folders that hold no source of the project: dependencies, builds, caches, and test-only code. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.next', '.turbo', 'coverage', '.cache', '__tests__', '__mocks__', 'test', 'tests', 'e2e', 'fixtures', 'stories']);
const MAX_DEPTH = 10;
const MAX_ENTRIES = 50_000;

/**
 * Files named like an app shell that the default globs do not match, found by name only: no
 * symbolic link is followed, dependency and build folders are skipped, and the walk stops after
 * MAX_ENTRIES entries.
 */
export function findUnmatchedShells(root: string): string[] {
  const found: string[] = [];
  let budget = MAX_ENTRIES;
  const walk = (folder: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (--budget < 0) return;
      const file = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH && !SKIPPED_FOLDERS.has(entry.name)) walk(file, depth + 1);
      else if (entry.isFile() && SHELL_LIKE_NAME.test(entry.name) && !DEFAULT_SHELL_NAMES.test(entry.name)) found.push(toPosixRelative(root, file));
    }
  };
  walk(root, 0);
  return found;
}

/**
 * The branch `origin/HEAD` names, else `master` when the repository has a `master` branch and no
 * `main`, else `main`. Read from `.git` as text; git itself is not run.
 */
export function detectDefaultBranch(root: string): string {
  const git = path.join(root, '.git');
  const originHead = readSmallText(path.join(git, 'refs/remotes/origin/HEAD'));
  const fromOrigin = originHead && /^ref: refs\/remotes\/origin\/(\S+)/.exec(originHead)?.[1];
  if (fromOrigin) return fromOrigin;
  if (isFile(path.join(git, 'refs/heads/master')) && !isFile(path.join(git, 'refs/heads/main'))) return 'master';
  return 'main';
}
