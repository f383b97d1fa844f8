import { isPackageName, isRecord, modulesLocation, type LockedPackage, type LockfileReading } from './locked-package.js';

interface PackageLockEntry {
  name?: unknown;
  version?: unknown;
  integrity?: unknown;
  resolved?: unknown;
  link?: unknown;
  inBundle?: unknown;
  dependencies?: unknown;
}

/**
 * `package-lock.json` (or `npm-shrinkwrap.json`) as data. v2 and v3 list every installed folder in
 * `packages` (`node_modules/a`, `node_modules/a/node_modules/b`, `apps/web/node_modules/c`); v1 only
 * has the nested `dependencies` tree, read into the same locations. Workspace links, bundled
 * packages (they come inside their parent's tarball) and anything not from a registry are left out.
 */
export function readPackageLock(file: string, folder: string, text: string): LockfileReading {
  const lock = JSON.parse(text) as { lockfileVersion?: unknown; packages?: unknown; dependencies?: unknown };
  const packages: LockedPackage[] = [];
  const within = (location: string) => (folder === '' ? location : `${folder}/${location}`);
  if (isRecord(lock.packages)) {
    for (const [key, value] of Object.entries(lock.packages)) {
      const at = key.lastIndexOf('node_modules/');
      if (at === -1 || !isRecord(value)) continue; // the root and the workspaces' own folders
      const locked = lockedEntry(within(key), key.slice(at + 'node_modules/'.length), value);
      if (locked) packages.push(locked);
    }
    return { file, packages };
  }
  if (isRecord(lock.dependencies)) {
    collectV1(lock.dependencies, folder, packages);
    return { file, packages };
  }
  return { file, unsupported: `${file} lists no packages (lockfileVersion ${String(lock.lockfileVersion)})` };
}

function collectV1(dependencies: Record<string, unknown>, folder: string, into: LockedPackage[]): void {
  for (const [name, value] of Object.entries(dependencies)) {
    if (!isRecord(value)) continue;
    const location = modulesLocation(folder, name);
    // v1 writes an alias's target in `version` as `npm:target@1.2.3`.
    const aliased = typeof value.version === 'string' && value.version.startsWith('npm:') ? splitAlias(value.version.slice(4)) : undefined;
    const locked = lockedEntry(location, name, aliased ? { ...value, name: aliased.name, version: aliased.version } : value);
    if (locked) into.push(locked);
    if (isRecord(value.dependencies)) collectV1(value.dependencies, location, into);
  }
}

function lockedEntry(location: string, installedName: string, entry: PackageLockEntry): LockedPackage | undefined {
  if (entry.link === true || entry.inBundle === true || typeof entry.version !== 'string') return undefined;
  const name = typeof entry.name === 'string' ? entry.name : installedName;
  if (!isPackageName(name) || !isPackageName(installedName)) return undefined;
  return {
    location,
    name,
    version: entry.version,
    integrity: typeof entry.integrity === 'string' ? entry.integrity : undefined,
    resolved: typeof entry.resolved === 'string' ? entry.resolved : undefined,
  };
}

function splitAlias(spec: string): { name: string; version: string } | undefined {
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : undefined;
}
