import { parseSyml } from '@yarnpkg/parsers';
import { isPackageName, isRecord, modulesLocation, type LockedPackage, type LockfileReading } from './locked-package.js';

/**
 * `yarn.lock` as data. Yarn 1 records each package's npm integrity; it hoists, so each name goes to
 * `node_modules` beside the lockfile, at the version the project's own manifest asked for when it
 * says (`rootRanges`), else the first the lockfile lists. Yarn 2+ (berry) records only its own
 * `checksum`, a hash of the zip it makes from the tarball, not of the tarball the registry serves:
 * nothing here could verify a download against it, so berry lockfiles are not used.
 */
export function readYarnLock(file: string, folder: string, text: string, rootRanges: Record<string, string> = {}): LockfileReading {
  const lock = parseSyml(text);
  if ('__metadata' in lock) {
    return { file, unsupported: `${file} is a Yarn 2+ lockfile, whose checksums are not npm integrity hashes` };
  }
  const chosen = new Map<string, { pkg: LockedPackage; asked: boolean }>();
  for (const [descriptors, value] of Object.entries(lock)) {
    if (!isRecord(value) || typeof value.version !== 'string') continue;
    for (const descriptor of descriptors.split(',').map((part) => part.trim())) {
      const at = descriptor.indexOf('@', 1);
      if (at === -1) continue;
      const alias = descriptor.slice(0, at);
      const range = descriptor.slice(at + 1);
      if (!isPackageName(alias)) continue;
      // `alias@npm:target@^1`: the tarball is the target's.
      const target = range.startsWith('npm:') ? range.slice(4, range.lastIndexOf('@') > 4 ? range.lastIndexOf('@') : undefined) : alias;
      const asked = rootRanges[alias] === range;
      const earlier = chosen.get(alias);
      if (earlier && (earlier.asked || !asked)) continue;
      chosen.set(alias, {
        asked,
        pkg: {
          location: modulesLocation(folder, alias),
          name: isPackageName(target) ? target : alias,
          version: value.version,
          integrity: typeof value.integrity === 'string' ? value.integrity : undefined,
          resolved: typeof value.resolved === 'string' ? value.resolved.split('#')[0] : undefined,
        },
      });
    }
  }
  return { file, packages: [...chosen.values()].map((entry) => entry.pkg) };
}
