// Raw tar archives with whatever headers a test asks for, including the ones `tar.c` refuses to
// write (`../` paths, absolute paths, links out of the archive, sizes the body never delivers).
import { Header, Pax, type HeaderData } from 'tar';

export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice';
  /** The entry's contents; without it, `size` zero bytes are generated lazily. */
  body?: string;
  /** The size the header claims; defaults to the body's length. */
  size?: number;
  linkpath?: string;
}

export interface RawTarOptions {
  /** Adds a pax global header carrying this commit id first, as GitHub does. */
  commit?: string;
  /** Leave out the two zero blocks that end an archive. */
  withoutEnd?: boolean;
}

const BLOCK = 512;
const ZEROS = Buffer.alloc(64 * 1024);

/** The archive's bytes, a block or a 64 KiB run of zeros at a time, generated only as they are read. */
export function* tarChunks(entries: readonly RawEntry[], options: RawTarOptions = {}): Generator<Buffer> {
  if (options.commit !== undefined) yield new Pax({ comment: options.commit }, true).encode();
  for (const entry of entries) {
    const body = entry.body === undefined ? undefined : Buffer.from(entry.body);
    const size = entry.size ?? body?.length ?? 0;
    yield header({ path: entry.path, type: entry.type ?? 'File', size: hasBody(entry) ? size : 0, linkpath: entry.linkpath ?? '' });
    if (!hasBody(entry)) continue;
    if (body) {
      yield body;
    } else {
      for (let left = size; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
    }
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) yield Buffer.alloc(padding);
  }
  if (!options.withoutEnd) yield Buffer.alloc(2 * BLOCK);
}

/** The whole archive in memory, uncompressed. */
export function rawTar(entries: readonly RawEntry[], options: RawTarOptions = {}): Buffer {
  return Buffer.concat([...tarChunks(entries, options)]);
}

/** The archive as a plain async iterable (not a stream) that counts the bytes its consumer pulled. */
export function countingSource(chunks: Iterable<Buffer>): { source: AsyncIterable<Buffer>; pulled: () => number } {
  let pulled = 0;
  const iterator = chunks[Symbol.iterator]();
  const next = (): Promise<IteratorResult<Buffer>> => {
    const result = iterator.next();
    if (!result.done) pulled += result.value.length;
    return Promise.resolve(result);
  };
  return { source: { [Symbol.asyncIterator]: () => ({ next }) }, pulled: () => pulled };
}

function hasBody(entry: RawEntry): boolean {
  return (entry.type ?? 'File') === 'File';
}

function header(data: HeaderData): Buffer {
  const block = Buffer.alloc(BLOCK);
  new Header({ mode: data.type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0, ...data }).encode(block);
  return block;
}
