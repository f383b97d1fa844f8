import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Budget, type HostedTypesBudget } from './budget.js';
import { extractDeclarations } from './extract-declarations.js';
import { fetchVerifiedTarball, PackageSkipped } from './fetch-tarball.js';
import { importedPackages, packagesImportedBy, typesPackageOf, untypedName } from './imported-packages.js';
import type { LockedPackage } from './locked-package.js';
import { installFolder, materialize } from './materialize.js';
import { readCapped, readLockfiles } from './read-lockfiles.js';
import { TypesCache } from './types-cache.js';

export interface HostedTypesSettings extends HostedTypesBudget {
  /** The npm registry tarballs come from (and the only host asked). */
  registry: string;
  /** Largest single tarball, compressed. */
  maxTarballBytes: number;
  /** Downloads under way at once. */
  concurrency: number;
  /** What the cache of extracted declarations (`<workDir>/types-cache`) may hold across analyses. */
  cacheMaxBytes: number;
}

const MB = 1024 * 1024;

export const DEFAULT_HOSTED_TYPES: Readonly<HostedTypesSettings> = Object.freeze({
  registry: 'https://registry.npmjs.org',
  timeoutMs: 60_000,
  maxBytes: 200 * MB,
  maxPackages: 300,
  maxTarballBytes: 50 * MB,
  concurrency: 8,
  cacheMaxBytes: 2048 * MB,
});

/** Limits on reading the pull request's own files to find what it imports. */
const LOCKFILE_LIMITS = { maxBytes: 50 * MB };
const SCAN_LIMITS = { maxFiles: 20_000, maxFileBytes: 2 * MB };

export interface HostedTypesReport {
  /** Packages laid out in the snapshot's node_modules. */
  packages: number;
  fromCache: number;
  fetched: number;
  /** Declaration and manifest bytes laid out. */
  bytes: number;
  /** Tarball bytes downloaded. */
  downloadedBytes: number;
  /** Needed packages left out, by reason. */
  skipped: Record<string, number>;
  ms: number;
  /** One sentence for the summary when the analysis goes without some or all of the types. */
  note: string | undefined;
}

/**
 * Gives a downloaded snapshot the declarations of the dependencies its code imports, as an install
 * would, without installing: the locked versions are fetched from the registry (or the cache),
 * verified against the lockfile's integrity, and only their package.json and declaration files are
 * laid out in `<root>/…/node_modules`. Nothing is run, and nothing executable is written. Bounded by
 * `settings`' budget (past it, what is laid out is kept and the note says the types are partial);
 * without a usable lockfile, nothing is laid out and the note says why.
 */
export async function provideHostedTypes(root: string, workDir: string, settings: HostedTypesSettings, signal: AbortSignal): Promise<HostedTypesReport> {
  const started = Date.now();
  const report: HostedTypesReport = { packages: 0, fromCache: 0, fetched: 0, bytes: 0, downloadedBytes: 0, skipped: {}, ms: 0, note: undefined };
  const done = (note?: string) => ({ ...report, ms: Date.now() - started, note });

  const readings = await readLockfiles(root, LOCKFILE_LIMITS);
  const locations = new Map<string, LockedPackage>();
  for (const reading of readings) if ('packages' in reading) for (const pkg of reading.packages) locations.set(pkg.location, pkg);
  if (readings.length === 0) return done(missingTypes('no lockfile'));
  if (locations.size === 0) return done(missingTypes(readings.map((reading) => ('unsupported' in reading ? reading.unsupported : `${reading.file} locks no packages`)).join('; ')));

  const budget = new Budget(settings, signal);
  const cache = new TypesCache(path.join(workDir, 'types-cache'), settings.cacheMaxBytes);
  const wanted: LockedPackage[] = [];
  const seen = new Set<string>();
  const want = (pkg: LockedPackage | undefined) => {
    if (!pkg || seen.has(pkg.location)) return;
    seen.add(pkg.location);
    wanted.push(pkg);
  };
  const ask = (name: string, from: string) => {
    if (!name.startsWith('@types/')) {
      want(resolveLocked(locations, name, from));
      want(resolveLocked(locations, typesPackageOf(name), from));
      return;
    }
    // `/// <reference types="next" />`: TypeScript looks in @types first, then in the package itself.
    want(resolveLocked(locations, name, from) ?? resolveLocked(locations, untypedName(name), from));
  };
  // Node's own types, which a server's code uses without importing them by name.
  for (const reading of readings) ask('@types/node', path.posix.dirname(reading.file).replace(/^\.$/, ''));
  for (const [folder, names] of await importedPackages(root, SCAN_LIMITS)) for (const name of names) ask(name, folder);

  const skip = (reason: string) => {
    report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
  };
  const provide = async (pkg: LockedPackage) => {
    const target = installFolder(root, pkg.location);
    if (!target || !pkg.integrity) return skip(target ? 'no-integrity' : 'bad-location');
    try {
      let cached = await cache.get(pkg.integrity);
      if (cached) report.fromCache += 1;
      else {
        const tarball = await fetchVerifiedTarball(pkg, settings.registry, { maxBytes: settings.maxTarballBytes, timeoutMs: settings.timeoutMs }, budget.signal);
        budget.downloaded += tarball.length;
        report.downloadedBytes += tarball.length;
        cached = await cache.put(pkg.integrity, { name: pkg.name, version: pkg.version }, async (files) => ({
          bytes: await extractDeclarations(tarball, files, budget.signal),
          imports: [...(await importedByDeclarations(files))],
        }));
        report.fetched += 1;
      }
      await materialize(cached.files, target);
      report.packages += 1;
      report.bytes += cached.bytes;
      // What its declarations import is needed too (googleapis' types are partly gaxios').
      for (const name of cached.imports) if (name !== pkg.name) ask(name, pkg.location);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (budget.timedOut()) return skip('budget');
      skip(error instanceof PackageSkipped ? error.reason : 'error');
    }
  };
  await runPool(wanted, settings.concurrency, async (pkg) => {
    if (budget.takePackage()) await provide(pkg);
    else skip('budget');
  });
  await cache.evict();

  const left = Object.entries(report.skipped).filter(([reason]) => reason !== 'budget');
  if (budget.exhausted) return done(`Types from dependencies are partial: the budget (${budget.exhausted}) ran out after ${report.packages} of ${wanted.length} packages, so findings that depend on the rest may be missing.`);
  if (left.length > 0) return done(`Types of ${left.reduce((sum, [, count]) => sum + count, 0)} locked dependencies were left out (${left.map(([reason, count]) => `${reason}: ${count}`).join(', ')}): findings that depend on them may be missing.`);
  return done();
}

function missingTypes(why: string): string {
  return `Types from dependencies were not available (${why}): findings that depend on them may be missing.`;
}

/** The locked package `name` resolves to from `from`, as Node looks: `from/node_modules/name`, then each folder up. */
export function resolveLocked(locations: ReadonlyMap<string, LockedPackage>, name: string, from: string): LockedPackage | undefined {
  let folder = from;
  for (;;) {
    const found = locations.get(folder === '' ? `node_modules/${name}` : `${folder}/node_modules/${name}`);
    if (found) return found;
    if (folder === '') return undefined;
    const slash = folder.lastIndexOf('/');
    folder = slash === -1 ? '' : folder.slice(0, slash);
  }
}

/** Package names a package's declaration files import. */
async function importedByDeclarations(files: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const entry of await readdir(files, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.d\.[cm]?ts$/i.test(entry.name)) continue;
    const text = await readCapped(path.join(entry.parentPath, entry.name), SCAN_LIMITS.maxFileBytes);
    if (text !== undefined) for (const name of packagesImportedBy(text)) names.add(name);
  }
  return names;
}

/** Runs `work` over `items` (which may grow while it runs), `concurrency` at a time; the first error rejects. */
function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    const pump = () => {
      while (!failed && active < concurrency && next < items.length) {
        active += 1;
        work(items[next++]!).then(
          () => {
            active -= 1;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      }
      if (active === 0 && next >= items.length) resolve();
    };
    pump();
  });
}
