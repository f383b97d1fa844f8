/** One package a lockfile pins, at the place an install would put it. */
export interface LockedPackage {
  /** Where an install puts it, relative to the repository root, `/`-separated: `node_modules/x`, `apps/web/node_modules/@s/y`. */
  location: string;
  /** The name the registry knows it by (an alias's target, not the alias). */
  name: string;
  version: string;
  /** The lockfile's SRI string (`sha512-…`); a package without one is never fetched. */
  integrity: string | undefined;
  /** The tarball URL the lockfile recorded, when it did. */
  resolved: string | undefined;
}

/** What one lockfile says, or why it cannot be used. */
export type LockfileReading =
  | { file: string; packages: LockedPackage[] }
  | { file: string; unsupported: string };

// npm's rules for names, upper case allowed for the old packages that have it.
const PACKAGE_NAME = /^(?:@[a-z0-9~-][\w.~-]*\/)?[a-z0-9~-][\w.~-]*$/i;

export function isPackageName(name: string): boolean {
  return name.length <= 214 && PACKAGE_NAME.test(name);
}

/** `node_modules/<name>` below `folder` ('' for the repository root). */
export function modulesLocation(folder: string, name: string): string {
  return folder === '' || folder === '.' ? `node_modules/${name}` : `${folder}/node_modules/${name}`;
}

/** A version as a lockfile writes it without peer suffixes: `1.2.3(react@19.0.0)` → `1.2.3`. */
export function plainVersion(version: string): string {
  const paren = version.indexOf('(');
  return paren === -1 ? version : version.slice(0, paren);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
