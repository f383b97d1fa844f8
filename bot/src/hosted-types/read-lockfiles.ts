import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isRecord, type LockfileReading } from './locked-package.js';
import { readPackageLock } from './read-package-lock.js';
import { readPnpmLock } from './read-pnpm-lock.js';
import { readYarnLock } from './read-yarn-lock.js';

/** One lockfile a folder may hold, by precedence: npm's, then pnpm's, then Yarn's. */
const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'] as const;
/** The root's lockfile, else those of projects a few folders down (`web/`, `apps/api/`), never inside node_modules. */
const MAX_DEPTH = 2;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export interface LockfileLimits {
  /** Largest lockfile read; a larger one is reported as unsupported. */
  maxBytes: number;
}

/**
 * The lockfiles of the snapshot at `root`, read as data (never run, size-limited). Paths in the
 * readings are relative to `root`. An unreadable or malformed lockfile is a reading that says why.
 */
export async function readLockfiles(root: string, limits: LockfileLimits): Promise<LockfileReading[]> {
  const readings: LockfileReading[] = [];
  for (const folder of await projectFolders(root)) {
    const names = new Set(await readdir(path.join(root, folder)).catch(() => []));
    const name = LOCKFILES.find((candidate) => names.has(candidate));
    if (!name) continue;
    const file = folder === '' ? name : `${folder}/${name}`;
    readings.push(await readOne(root, folder, file, name, limits));
  }
  return readings;
}

async function readOne(root: string, folder: string, file: string, name: (typeof LOCKFILES)[number], limits: LockfileLimits): Promise<LockfileReading> {
  try {
    const text = await readCapped(path.join(root, file), limits.maxBytes);
    if (text === undefined) return { file, unsupported: `${file} is larger than ${Math.round(limits.maxBytes / 1e6)} MB` };
    if (name === 'pnpm-lock.yaml') return readPnpmLock(file, folder, text);
    if (name === 'yarn.lock') return readYarnLock(file, folder, text, await rootRanges(root, folder, limits));
    return readPackageLock(file, folder, text);
  } catch (error) {
    return { file, unsupported: `${file} could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Folders, relative to `root`, up to MAX_DEPTH down, shallowest first; '' is the root. */
async function projectFolders(root: string): Promise<string[]> {
  const folders = [''];
  for (let at = 0; at < folders.length; at++) {
    const folder = folders[at]!;
    if ((folder === '' ? 0 : folder.split('/').length) >= MAX_DEPTH) continue;
    const entries = await readdir(path.join(root, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) folders.push(folder === '' ? entry.name : `${folder}/${entry.name}`);
    }
  }
  return folders;
}

/** The ranges a project's package.json asks for, to choose among a Yarn 1 lockfile's versions of one name. */
async function rootRanges(root: string, folder: string, limits: LockfileLimits): Promise<Record<string, string>> {
  const text = await readCapped(path.join(root, folder, 'package.json'), limits.maxBytes).catch(() => undefined);
  if (text === undefined) return {};
  try {
    const manifest: unknown = JSON.parse(text);
    if (!isRecord(manifest)) return {};
    const ranges: Record<string, string> = {};
    for (const group of ['devDependencies', 'optionalDependencies', 'dependencies']) {
      const dependencies = manifest[group];
      if (!isRecord(dependencies)) continue;
      for (const [name, range] of Object.entries(dependencies)) if (typeof range === 'string') ranges[name] = range;
    }
    return ranges;
  } catch {
    return {};
  }
}

/** The file as UTF-8, or undefined when it is larger than `maxBytes`: never more than that is read. */
export async function readCapped(file: string, maxBytes: number): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, (await handle.stat()).size + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead > maxBytes ? undefined : buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
