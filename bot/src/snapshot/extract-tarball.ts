// Extracts a repository snapshot as GitHub's tarball API serves it (a gzip'd tar whose entries sit
// under one top folder such as `owner-repo-abc1234/`, after a pax global header carrying the commit).
// The snapshot comes from an untrusted pull request, so every entry is judged from its header before
// anything is written, links are never created, and any hostile entry rejects the whole snapshot.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';

export interface SnapshotLimits {
  /** Entries other than folders (files, links, devices), whether `include` keeps them or not. */
  maxFiles: number;
  /** Bytes written, summed over the files `include` keeps. */
  maxBytes: number;
  /** Size of any one file `include` keeps, read from its header before anything is written. */
  maxFileBytes: number;
  /** Wall-clock time for the whole extraction, including reading `source`. */
  timeoutMs: number;
}

const MB = 1024 * 1024;

export const DEFAULT_SNAPSHOT_LIMITS: Readonly<SnapshotLimits> = Object.freeze({
  maxFiles: 20_000,
  maxBytes: 200 * MB,
  maxFileBytes: 5 * MB,
  timeoutMs: 60_000,
});

export type SnapshotRejectionReason =
  | 'path-traversal'
  | 'link-outside'
  | 'too-many-files'
  | 'too-large'
  | 'file-too-large'
  | 'timeout'
  | 'corrupt';

/** The snapshot was refused; `message` is one sentence meant for the pull request's author. */
export class SnapshotRejected extends Error {
  override readonly name = 'SnapshotRejected';

  constructor(
    readonly reason: SnapshotRejectionReason,
    message: string,
    /** The archive entry at fault, when there is one. */
    readonly entry?: string,
  ) {
    super(message);
  }
}

export interface ExtractTarballOptions {
  limits?: Partial<SnapshotLimits>;
  /** Aborting rejects with reason 'timeout'. */
  signal?: AbortSignal;
  /**
   * Which regular files to write, by path relative to the repository root (`/`-separated) and size (from the header). Files left
   * out still count toward `maxFiles`, but not toward `maxBytes` or `maxFileBytes`: their contents are
   * read past in small chunks and dropped, so a huge one costs time (bounded by `timeoutMs`), not memory.
   */
  include?: (relativePath: string, size: number) => boolean;
}

export interface ExtractedSnapshot {
  /** Regular files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
  /** Links that stay inside the repository, relative to `root`; none of them is created. */
  skippedLinks: string[];
  /** The folder holding the repository's files: `destination` itself, the top folder stripped. */
  root: string;
  /** The commit id from the pax global header (`comment=`), when the archive has one. */
  commit: string | undefined;
}

/**
 * Extracts `source` into `destination` (created if missing, and required to be empty). Rejects with
 * SnapshotRejected for hostile, oversized, slow or unreadable archives, after removing whatever it
 * wrote into `destination`; errors from `source` itself or from the disk propagate unchanged. A gzip
 * stream inflating more than 1000-fold (tar's own guard against decompression bombs) counts as corrupt.
 */
export async function extractTarball(
  source: Readable | AsyncIterable<Uint8Array> | Buffer,
  destination: string,
  options: ExtractTarballOptions = {},
): Promise<ExtractedSnapshot> {
  const limits: SnapshotLimits = { ...DEFAULT_SNAPSHOT_LIMITS, ...options.limits };
  const root = path.resolve(destination);
  await mkdir(root, { recursive: true });
  // Cleaning up after a rejection empties `destination`, so it must hold nothing of anyone else's.
  const existing = await readdir(root);
  if (existing.length > 0) {
    throw new Error(`extractTarball needs an empty destination, and ${root} is not empty.`);
  }

  const stop = new AbortController();
  let failure: Error | undefined;
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    stop.abort(failure);
  };
  const timer = setTimeout(
    () => fail(new SnapshotRejected('timeout', `Extracting the repository took longer than ${formatSeconds(limits.timeoutMs)}, the most Premortem allows.`)),
    limits.timeoutMs,
  );
  const cancel = () => fail(new SnapshotRejected('timeout', 'Extracting the repository was cancelled before it finished.'));
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });

  try {
    stop.signal.throwIfAborted();
    const plan = new SnapshotPlan(root, limits, options.include);
    await extractInto(plan, source, stop.signal, fail);
    if (failure !== undefined) throw failure;
    return { files: plan.files, bytes: plan.bytes, skippedLinks: plan.skippedLinks, root, commit: plan.commit };
  } catch (error) {
    fail(error);
    await emptyFolder(root);
    throw failure ?? error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

// Feeding the parser at most this much compressed input per write bounds what one write can inflate
// to (deflate peaks near 1:1000), whatever size of chunk the source hands us.
const FEED_BYTES = 16 * 1024;

async function extractInto(
  plan: SnapshotPlan,
  source: Readable | AsyncIterable<Uint8Array> | Buffer,
  signal: AbortSignal,
  fail: (error: unknown) => void,
): Promise<void> {
  // One file at a time: the parser holds the next entry until this chain has taken the current one,
  // so however many tiny files one chunk inflates to, at most one file is open.
  let writing = Promise.resolve();
  let sawEndOfArchive = false;
  const parser = new Parser({
    // Every tar warning (bad checksum, truncated body, unknown format) becomes an 'error'.
    strict: true,
    // Called from each header, before any of the entry's body is read; what it refuses is read past and dropped.
    filter: (_path, entry) => {
      if (signal.aborted) return false;
      try {
        return plan.admit(entry as ReadEntry);
      } catch (error) {
        fail(error);
        return false;
      }
    },
    onReadEntry: (entry) => {
      writing = writing.then(() => writeFile(entry, plan.targetOf(entry.path), signal)).catch(fail);
    },
  });
  parser.on('error', (error: Error) => fail(corrupt(error)));
  parser.on('eof', () => (sawEndOfArchive = true));
  // The parser emits its own 'error' here; fail() keeps the first reason.
  signal.addEventListener('abort', () => parser.abort(new Error('extraction stopped')), { once: true });

  try {
    await feed(source, parser, signal);
    const ended = once(parser, 'end', { signal });
    parser.end();
    await ended;
    if (!sawEndOfArchive) {
      throw new SnapshotRejected('corrupt', 'The repository snapshot is not a complete tar archive: it stops before the end-of-archive marker.');
    }
  } catch (error) {
    // Aborting stops the parser and destroys the file being written, so the wait below ends.
    fail(error);
    throw error;
  } finally {
    // Let the last file close (or be destroyed by the abort) before anyone cleans up.
    await writing;
  }
}

async function feed(source: Readable | AsyncIterable<Uint8Array> | Buffer, parser: Parser, signal: AbortSignal): Promise<void> {
  const readable = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const chunks: AsyncIterator<Uint8Array> = readable[Symbol.asyncIterator]();
  // A stalled source never settles next(), so each read also races the abort.
  const aborted = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('extraction stopped')), { once: true });
  });
  aborted.catch(() => undefined); // only observed through the race below

  let exhausted = false;
  try {
    for (;;) {
      const next = await Promise.race([chunks.next(), aborted]);
      if (next.done) {
        exhausted = true;
        return;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      for (let at = 0; at < chunk.length; at += FEED_BYTES) {
        signal.throwIfAborted();
        if (!parser.write(chunk.subarray(at, at + FEED_BYTES))) await once(parser, 'drain', { signal });
      }
    }
  } finally {
    if (!exhausted) release(readable, chunks);
  }
}

/** Stops a source we will not read to the end, without waiting for it: a stalled one may never answer. */
function release(source: Readable | AsyncIterable<Uint8Array>, chunks: AsyncIterator<Uint8Array>): void {
  if (source instanceof Readable) source.destroy();
  else chunks.return?.().catch(() => undefined);
}

async function writeFile(entry: ReadEntry, target: string, signal: AbortSignal): Promise<void> {
  try {
    signal.throwIfAborted();
    await mkdir(path.dirname(target), { recursive: true });
    signal.throwIfAborted();
    // 'wx' refuses to reuse a path, so a second entry cannot overwrite the first; modes from the archive are ignored.
    const file = addAbortSignal(signal, createWriteStream(target, { flags: 'wx', mode: 0o644 }));
    entry.pipe(file);
    await finished(file);
  } catch (error) {
    throw conflictOrError(error, entry.path);
  }
}

/** Entry-by-entry decisions: where each entry goes, whether it is written, and the running counts. */
class SnapshotPlan {
  files = 0;
  bytes = 0;
  entries = 0;
  commit: string | undefined;
  readonly skippedLinks: string[] = [];
  #topFolder: string | undefined;

  constructor(
    readonly root: string,
    readonly limits: SnapshotLimits,
    readonly include: ((relativePath: string, size: number) => boolean) | undefined,
  ) {}

  /** True when the entry's contents should be written; throws SnapshotRejected for an entry that rejects the snapshot. */
  admit(entry: ReadEntry): boolean {
    this.commit ??= entry.globalExtended?.comment;
    const isFolder = entry.type === 'Directory' || entry.type === 'GNUDumpDir';
    const relative = this.relativeOf(entry.path, isFolder);
    if (isFolder) return false;

    this.entries += 1;
    if (this.entries > this.limits.maxFiles) {
      throw new SnapshotRejected(
        'too-many-files',
        `The repository has more than ${this.limits.maxFiles} files, more than Premortem extracts for a review (stopped at "${relative}").`,
        entry.path,
      );
    }
    switch (entry.type) {
      case 'SymbolicLink':
      case 'Link':
        this.checkLink(entry, relative);
        this.skippedLinks.push(relative);
        return false;
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        return this.admitFile(entry, relative);
      default:
        return false; // devices and FIFOs: nothing a review reads
    }
  }

  /** Where an admitted entry is written. */
  targetOf(archivePath: string): string {
    return path.join(this.root, ...this.relativeOf(archivePath, false).split('/'));
  }

  private admitFile(entry: ReadEntry, relative: string): boolean {
    if (this.include && !this.include(relative, entry.size)) return false;
    const { maxFileBytes, maxBytes } = this.limits;
    if (entry.size > maxFileBytes) {
      throw new SnapshotRejected(
        'file-too-large',
        `The file "${relative}" is ${formatBytes(entry.size)}, larger than the ${formatBytes(maxFileBytes)} Premortem extracts for one file.`,
        entry.path,
      );
    }
    if (this.bytes + entry.size > maxBytes) {
      throw new SnapshotRejected(
        'too-large',
        `The repository's files add up to more than ${formatBytes(maxBytes)}, more than Premortem extracts for a review (stopped at "${relative}").`,
        entry.path,
      );
    }
    this.bytes += entry.size;
    this.files += 1;
    return true;
  }

  /** The path below the top folder, `/`-separated; '' for the top folder itself. */
  private relativeOf(archivePath: string, isFolder: boolean): string {
    if (archivePath.includes('\0')) {
      throw new SnapshotRejected('corrupt', `The repository snapshot was refused because the entry "${archivePath}" has a NUL character in its path.`, archivePath);
    }
    if (path.posix.isAbsolute(archivePath) || path.win32.isAbsolute(archivePath)) {
      throw new SnapshotRejected('path-traversal', `The repository snapshot was refused because the entry "${archivePath}" has an absolute path.`, archivePath);
    }
    const segments = archivePath.split('/').filter((segment) => segment !== '' && segment !== '.');
    if (segments.includes('..')) {
      throw new SnapshotRejected('path-traversal', `The repository snapshot was refused because the entry "${archivePath}" has a path leading out of the repository ("..").`, archivePath);
    }
    const [top, ...rest] = segments;
    this.#topFolder ??= top;
    if (top !== this.#topFolder || (rest.length === 0 && !isFolder)) {
      throw new SnapshotRejected('corrupt', `The repository snapshot was refused because the entry "${archivePath}" is not inside its single top folder "${this.#topFolder}/".`, archivePath);
    }
    const relative = rest.join('/');
    // Belt and braces for platforms whose separators differ from tar's.
    const target = path.resolve(this.root, relative);
    if (target !== this.root && !target.startsWith(this.root + path.sep)) {
      throw new SnapshotRejected('path-traversal', `The repository snapshot was refused because the entry "${archivePath}" would land outside the repository.`, archivePath);
    }
    return relative;
  }

  private checkLink(entry: ReadEntry, relative: string): void {
    const target = entry.linkpath ?? '';
    // A symbolic link's target is relative to the link's folder; a hard link's is an archive path, top folder included.
    const resolved = path.posix.normalize(
      entry.type === 'SymbolicLink' ? path.posix.join(path.posix.dirname(relative), target) : target,
    );
    const outside =
      path.posix.isAbsolute(target) ||
      path.win32.isAbsolute(target) ||
      resolved === '..' ||
      resolved.startsWith('../') ||
      (entry.type === 'Link' && resolved.split('/')[0] !== this.#topFolder);
    if (outside) {
      const kind = entry.type === 'Link' ? 'hard link' : 'symbolic link';
      throw new SnapshotRejected('link-outside', `The repository snapshot was refused because the ${kind} "${relative}" points outside the repository (to "${target}").`, entry.path);
    }
  }
}

function corrupt(error: Error): SnapshotRejected {
  const detail = error.message.replace(/^(TAR_[A-Z_]+|zlib): /, '');
  return new SnapshotRejected('corrupt', `The repository snapshot is not a readable tar.gz archive: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}.`);
}

// Two entries fighting over one path (a file twice, a file where a folder must go) or an impossible
// name are the archive's fault; anything else (a full disk, permissions) is ours and stays as it is.
const CONFLICT_CODES = new Set(['EEXIST', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG']);

function conflictOrError(error: unknown, archivePath: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !CONFLICT_CODES.has(code)) return error;
  return new SnapshotRejected('corrupt', `The repository snapshot was refused because the entry "${archivePath}" clashes with another entry or cannot be written (${code}).`, archivePath);
}

async function emptyFolder(folder: string): Promise<void> {
  const names = await readdir(folder);
  await Promise.all(names.map((name) => rm(path.join(folder, name), { recursive: true, force: true })));
}

function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
