import { parse } from 'yaml';
import { isPackageName, isRecord, modulesLocation, plainVersion, type LockedPackage, type LockfileReading } from './locked-package.js';

interface PnpmPackage {
  name: string;
  version: string;
  integrity: string | undefined;
  resolved: string | undefined;
}

/**
 * `pnpm-lock.yaml` (lockfile v5.4 to v9) as data. pnpm installs into a store linked from
 * `node_modules/.pnpm`; premortem lays the same packages out flat instead, which TypeScript
 * resolves alike: each importer's (workspace's) direct dependencies in its own `node_modules`, at
 * the version it locked, and every other package once, hoisted to `node_modules` beside the lockfile.
 */
export function readPnpmLock(file: string, folder: string, text: string): LockfileReading {
  // Aliases are YAML anchors; a lockfile has none, and a billion laughs must not expand.
  const lock: unknown = parse(text, { maxAliasCount: 0 });
  if (!isRecord(lock)) return { file, unsupported: `${file} is not a pnpm lockfile` };
  const known = new Map<string, PnpmPackage>();
  if (isRecord(lock.packages)) {
    for (const [key, value] of Object.entries(lock.packages)) {
      const parsed = parseKey(key);
      if (!parsed || !isRecord(value)) continue;
      const resolution = isRecord(value.resolution) ? value.resolution : {};
      known.set(`${parsed.name}@${parsed.version}`, {
        // v6 and older may name the package in the entry itself (a tarball or git dependency).
        name: typeof value.name === 'string' ? value.name : parsed.name,
        version: typeof value.version === 'string' ? value.version : parsed.version,
        integrity: typeof resolution.integrity === 'string' ? resolution.integrity : undefined,
        resolved: typeof resolution.tarball === 'string' ? resolution.tarball : undefined,
      });
    }
  }

  const packages: LockedPackage[] = [];
  const placed = new Set<string>();
  const place = (location: string, pkg: PnpmPackage) => {
    if (placed.has(location) || !isPackageName(pkg.name)) return;
    placed.add(location);
    packages.push({ location, ...pkg });
  };
  const within = (importer: string) => [folder, importer].filter((part) => part !== '' && part !== '.').join('/');

  // Importers first, so that a name at the root is the version the root asked for.
  const importers = isRecord(lock.importers) ? lock.importers : { '.': lock }; // a single project before v6 (no `importers`)
  for (const [importer, manifest] of Object.entries(importers)) {
    if (!isRecord(manifest) || importer.split('/').includes('..')) continue;
    for (const group of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      const dependencies = manifest[group];
      if (!isRecord(dependencies)) continue;
      for (const [alias, value] of Object.entries(dependencies)) {
        const reference = isRecord(value) ? value.version : value; // v6+: { specifier, version }; v5: the version itself
        if (typeof reference !== 'string') continue;
        const pkg = known.get(referenceKey(alias, reference));
        if (pkg && isPackageName(alias)) place(modulesLocation(within(importer), alias), pkg);
      }
    }
  }
  for (const pkg of known.values()) place(modulesLocation(folder, pkg.name), pkg);
  return { file, packages };
}

const V6_KEY = /^((?:@[^/@]+\/)?[^/@]+)@(.+)$/;

/** `name@version` of a package key: v9 `@s/a@1.0.0`, v6 `/@s/a@1.0.0(peer@2)`, v5 `/@s/a/1.0.0_peer@2`. */
function parseKey(key: string): { name: string; version: string } | undefined {
  const bare = key.startsWith('/') ? key.slice(1) : key;
  const v6 = V6_KEY.exec(bare);
  if (v6) return { name: v6[1]!, version: plainVersion(v6[2]!) };
  // v5: the version is the last path segment (after the scope and name), peers after `_`.
  const segments = bare.split('/');
  const version = segments.pop();
  if (!version || segments.length === 0) return undefined;
  return { name: segments.join('/'), version: version.split('_')[0]! };
}

/** The `packages` key an importer's reference points at: `1.2.3(peer@x)` (v5: `1.2.3_peer@x`), an alias's `target@1.2.3`, or v5's `/target/1.2.3`. */
function referenceKey(alias: string, reference: string): string {
  if (/^\d/.test(reference)) return `${alias}@${reference.split(/[(_]/)[0]!}`;
  const parsed = parseKey(reference);
  return parsed ? `${parsed.name}@${parsed.version}` : reference;
}
