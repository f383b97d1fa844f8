// Packs a real folder the way GitHub's tarball API serves a repository, so bot tests can serve fixtures.
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { create, Header, Pax } from 'tar';

export interface GithubTarballOptions {
  /** Adds the pax global header GitHub writes first, carrying this commit id. */
  commit?: string;
  /** Paths (relative to `dir`, `/`-separated) to leave out; by default `.git` and `node_modules`, which a push never holds. */
  exclude?: (relativePath: string) => boolean;
}

const notPushed = (relativePath: string) => relativePath.split('/').some((segment) => segment === '.git' || segment === 'node_modules');

/** `dir` as a gzip'd tar whose entries sit under `prefix/` (e.g. `octo-app-abc1234`), top folder entry first. */
export async function makeGithubTarball(dir: string, prefix: string, options: GithubTarballOptions = {}): Promise<Buffer> {
  const exclude = options.exclude ?? notPushed;
  const names = (await readdir(dir)).filter((name) => !exclude(name)).sort();
  const packed = await create({ cwd: dir, prefix, portable: true, filter: (file) => !exclude(file) }, names).concat();
  const top = Buffer.alloc(512);
  new Header({ path: `${prefix}/`, type: 'Directory', mode: 0o755, mtime: new Date(0) }).encode(top);
  const globalHeader = options.commit === undefined ? [] : [new Pax({ comment: options.commit }, true).encode()];
  return gzipSync(Buffer.concat([...globalHeader, top, packed]));
}
