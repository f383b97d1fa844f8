import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the package that holds `file`: the nearest one with a package.json. */
export function packageFolderOf(file: string): string {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

/** @premortem/core's own folder. */
export const CORE_PACKAGE = packageFolderOf(fileURLToPath(import.meta.url));

export interface InstalledProgram {
  /** Real paths of premortem's packages and of every package they depend on: the code it may load. */
  packages: string[];
  /** What Node must read to load them: the packages and the `node_modules` folders they are found in. */
  readable: string[];
}

const programs = new Map<string, InstalledProgram>();

/**
 * The installed program of the process whose entry module is `entry` (`import.meta.url`, or a
 * file's path): @premortem/core, the entry's package, and every package their `dependencies`,
 * `optionalDependencies` and `peerDependencies` resolve to, transitively. Found the way Node finds
 * them (`node_modules` folders from each package upward), by reading package.json files only.
 * This is the code premortem may load while it analyzes; nothing else. Found once per package.
 */
export function installedProgram(entry: string): InstalledProgram {
  const entryPackage = realpathSync(packageFolderOf(entry.startsWith('file:') ? fileURLToPath(entry) : entry));
  const known = programs.get(entryPackage);
  if (known) return known;
  const packages = new Set<string>();
  const moduleFolders = new Set<string>();
  const queue = [realpathSync(CORE_PACKAGE), entryPackage];
  while (queue.length > 0) {
    const dir = queue.pop()!;
    if (packages.has(dir)) continue;
    packages.add(dir);
    for (const name of declaredDependencies(dir)) {
      const found = findPackage(name, dir);
      if (!found) continue;
      moduleFolders.add(found.moduleFolder);
      if (!packages.has(found.realPath)) queue.push(found.realPath);
    }
  }
  const program = { packages: [...packages].sort(), readable: [...new Set([...packages, ...moduleFolders])].sort() };
  programs.set(entryPackage, program);
  return program;
}

function declaredDependencies(dir: string): string[] {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    const entries = manifest[field];
    if (entries && typeof entries === 'object') for (const name of Object.keys(entries)) names.add(name);
  }
  return [...names];
}

/** `name` as Node finds it from `dir`: the first `node_modules/<name>` upward; undefined when not installed. */
function findPackage(name: string, dir: string): { realPath: string; moduleFolder: string } | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const moduleFolder = path.join(at, 'node_modules');
    const candidate = path.join(moduleFolder, name);
    if (existsSync(path.join(candidate, 'package.json'))) return { realPath: realpathSync(candidate), moduleFolder };
    if (path.dirname(at) === at) return undefined;
  }
}
