import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import ssri from 'ssri';

/** What the cache holds for one tarball: its declarations under `files/`, and this. */
interface EntryMeta {
  name: string;
  version: string;
  bytes: number;
  /** The packages its declarations import, found once when it was extracted. */
  imports: string[];
}

/** A cached package: where its files are, their size, and what its declarations import. */
export interface CachedPackage {
  files: string;
  bytes: number;
  imports: string[];
}

const META = 'meta.json';

/**
 * Extracted declarations, kept across analyses under `folder` and keyed by the tarball's integrity,
 * so a package verified once is never fetched again. An entry appears whole or not at all (written
 * aside, then renamed in); each use touches it, and `evict` removes the least recently used past
 * `maxBytes`.
 */
export class TypesCache {
  constructor(
    readonly folder: string,
    readonly maxBytes: number,
  ) {}

  /** The folder of an entry: the strongest hash of the integrity, in hex. */
  keyOf(integrity: string): string {
    const parsed = ssri.parse(integrity);
    const algorithm = parsed.pickAlgorithm();
    const hash = (parsed as unknown as Record<string, ssri.Hash[] | undefined>)[algorithm]![0]!;
    return `${algorithm}-${hash.hexDigest()}`;
  }

  /** The `files/` folder of a cached entry, touched as used; undefined when there is none. */
  async get(integrity: string): Promise<CachedPackage | undefined> {
    const entry = path.join(this.folder, this.keyOf(integrity));
    try {
      const meta = JSON.parse(await readFile(path.join(entry, META), 'utf8')) as EntryMeta;
      const now = new Date();
      await utimes(path.join(entry, META), now, now);
      return { files: path.join(entry, 'files'), bytes: meta.bytes, imports: meta.imports };
    } catch {
      return undefined;
    }
  }

  /** Fills a new entry with `write(filesFolder)` (which says the bytes it wrote and what they import) and puts it in place. */
  async put(
    integrity: string,
    about: { name: string; version: string },
    write: (files: string) => Promise<{ bytes: number; imports: string[] }>,
  ): Promise<CachedPackage> {
    const entry = path.join(this.folder, this.keyOf(integrity));
    const staging = path.join(this.folder, `.staging-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(path.join(staging, 'files'), { recursive: true });
      const { bytes, imports } = await write(path.join(staging, 'files'));
      await writeFile(path.join(staging, META), JSON.stringify({ ...about, bytes, imports } satisfies EntryMeta));
      try {
        await rename(staging, entry);
      } catch (error) {
        // Another analysis put the same tarball in first: theirs is as good.
        if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      return { files: path.join(entry, 'files'), bytes, imports };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Removes the least recently used entries (and leftovers of interrupted writes) until the rest fit in `maxBytes`; returns how many were removed. */
  async evict(): Promise<number> {
    const names = await readdir(this.folder).catch(() => []);
    const entries: { name: string; bytes: number; used: number }[] = [];
    let removed = 0;
    for (const name of names) {
      try {
        const metaFile = path.join(this.folder, name, META);
        const meta = JSON.parse(await readFile(metaFile, 'utf8')) as EntryMeta;
        entries.push({ name, bytes: meta.bytes, used: (await stat(metaFile)).mtimeMs });
      } catch {
        // A write that never finished (a crash): not an entry. One still being written is younger than a minute.
        const age = Date.now() - (await stat(path.join(this.folder, name)).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > 60_000) {
          await rm(path.join(this.folder, name), { recursive: true, force: true });
          removed += 1;
        }
      }
    }
    let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    for (const entry of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      await rm(path.join(this.folder, entry.name), { recursive: true, force: true });
      total -= entry.bytes;
      removed += 1;
    }
    return removed;
  }
}
