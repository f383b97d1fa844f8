import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  extractTarball,
  SnapshotRejected,
  type ExtractTarballOptions,
  type SnapshotRejectionReason,
} from '../../bot/src/snapshot/extract-tarball.js';
import { countingSource, rawTar, tarChunks, type RawEntry } from './support/hostile-tar.js';
import { makeGithubTarball } from './support/make-tarball.js';

const MB = 1024 * 1024;
const PREFIX = 'octo-app-abc1234';
const COMMIT = 'abc1234def5678abc1234def5678abc1234def56';

// Each test gets work/snapshot (the destination) beside work/outside, whose canary must never change.
let work: string;
let destination: string;
let outside: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'premortem-tarball-'));
  destination = path.join(work, 'snapshot');
  outside = path.join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'canary.txt'), 'untouched');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** The entries under the top folder, as GitHub lays them out. */
const github = (...entries: RawEntry[]): RawEntry[] => [{ path: `${PREFIX}/`, type: 'Directory' }, ...entries];
const file = (name: string, body: string): RawEntry => ({ path: `${PREFIX}/${name}`, body });

/** Every path under `dir`, `/`-separated, folders with a trailing `/`. */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => {
      const relative = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      return entry.isDirectory() ? `${relative}/` : relative;
    })
    .sort();
}

function expectNothingOutside(): void {
  expect(readdirSync(work).sort()).toEqual(['outside', 'snapshot']);
  expect(listTree(outside)).toEqual(['canary.txt']);
  expect(readFileSync(path.join(outside, 'canary.txt'), 'utf8')).toBe('untouched');
}

/** Extracts, expects SnapshotRejected with `reason`, and checks the destination was emptied and nothing escaped. */
async function expectRejection(
  source: Parameters<typeof extractTarball>[0],
  reason: SnapshotRejectionReason,
  options?: ExtractTarballOptions,
): Promise<SnapshotRejected> {
  const error: unknown = await extractTarball(source, destination, options).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(SnapshotRejected);
  const rejected = error as SnapshotRejected;
  expect(rejected.reason).toBe(reason);
  expect(listTree(destination)).toEqual([]);
  expectNothingOutside();
  return rejected;
}

describe('extractTarball: GitHub-shaped snapshots', () => {
  it('extracts a tarball from makeGithubTarball, top folder stripped, with the commit from the pax global header', async () => {
    const repo = path.join(work, 'repo');
    mkdirSync(path.join(repo, 'src/deep'), { recursive: true });
    mkdirSync(path.join(repo, 'node_modules/dep'), { recursive: true });
    const manifest = '{"name":"octo-app"}\n';
    const index = 'export const answer = 42;\n';
    writeFileSync(path.join(repo, 'package.json'), manifest);
    writeFileSync(path.join(repo, 'src/index.ts'), index);
    writeFileSync(path.join(repo, 'src/deep/empty.ts'), '');
    writeFileSync(path.join(repo, 'node_modules/dep/index.js'), 'never pushed');
    const tarball = await makeGithubTarball(repo, PREFIX, { commit: COMMIT });
    rmSync(repo, { recursive: true });

    const result = await extractTarball(tarball, destination);

    expect(result).toEqual({ files: 3, bytes: manifest.length + index.length, skippedLinks: [], root: destination, commit: COMMIT });
    expect(listTree(destination)).toEqual(['package.json', 'src/', 'src/deep/', 'src/deep/empty.ts', 'src/index.ts']);
    expect(readFileSync(path.join(destination, 'src/index.ts'), 'utf8')).toBe(index);
    expect(readFileSync(path.join(destination, 'package.json'), 'utf8')).toBe(manifest);
    expect(readFileSync(path.join(destination, 'src/deep/empty.ts'), 'utf8')).toBe('');
    expectNothingOutside();
  });

  // git archive is what GitHub runs to serve the tarball API, pax_global_header included.
  it('extracts what git archive produces for a commit', async () => {
    const repo = path.join(work, 'repo');
    mkdirSync(path.join(repo, 'prisma'), { recursive: true });
    const schema = 'model A {\n  id Int @id\n}\n';
    writeFileSync(path.join(repo, 'prisma/schema.prisma'), schema);
    writeFileSync(path.join(repo, 'README.md'), '# octo\n');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'init');
    const commit = git('rev-parse', 'HEAD').toString().trim();
    const tarball = git('archive', '--format=tar.gz', `--prefix=octo-app-${commit.slice(0, 7)}/`, 'HEAD');
    rmSync(repo, { recursive: true, force: true });

    const result = await extractTarball(tarball, destination);

    expect(result).toEqual({ files: 2, bytes: schema.length + '# octo\n'.length, skippedLinks: [], root: destination, commit });
    expect(readFileSync(path.join(destination, 'prisma/schema.prisma'), 'utf8')).toBe(schema);
    expect(listTree(destination)).toEqual(['README.md', 'prisma/', 'prisma/schema.prisma']);
    expectNothingOutside();
  });

  it('reads a Readable source (a download) as well as a Buffer', async () => {
    const tarball = gzipSync(rawTar(github(file('a.ts', 'a')), { commit: COMMIT }));
    const result = await extractTarball(Readable.from([tarball.subarray(0, 10), tarball.subarray(10)]), destination);
    expect(result.files).toBe(1);
    expect(readFileSync(path.join(destination, 'a.ts'), 'utf8')).toBe('a');
  });

  it('passes on an error of the source itself (a dropped download) unchanged, after cleaning up', async () => {
    const tarball = gzipSync(rawTar(github(file('a.ts', 'a'), file('b.ts', 'b'.repeat(100_000)))));
    const download = new PassThrough();
    download.write(tarball.subarray(0, tarball.length - 100));
    setTimeout(() => download.destroy(new Error('socket hang up')), 20);

    await expect(extractTarball(download, destination)).rejects.toThrow(new Error('socket hang up'));

    expect(listTree(destination)).toEqual([]);
    expectNothingOutside();
  });

  it('requires an empty destination, because a rejection empties it', async () => {
    mkdirSync(destination);
    writeFileSync(path.join(destination, 'keep.txt'), 'mine');
    await expect(extractTarball(rawTar(github(file('a.ts', 'a'))), destination)).rejects.toThrow(
      `extractTarball needs an empty destination, and ${destination} is not empty.`,
    );
    expect(listTree(destination)).toEqual(['keep.txt']);
  });
});

describe('extractTarball: hostile paths and links', () => {
  // Each path would land in work/outside if honoured (with or without the top folder stripped).
  const cases: { name: string; entries: () => RawEntry[]; reason: SnapshotRejectionReason; message: () => string }[] = [
    {
      name: 'a path climbing out through ..',
      entries: () => github(file('a.ts', 'a'), { path: `${PREFIX}/../../outside/pwned`, body: 'pwned' }),
      reason: 'path-traversal',
      message: () => `The repository snapshot was refused because the entry "${PREFIX}/../../outside/pwned" has a path leading out of the repository ("..").`,
    },
    {
      name: 'a path starting with ../',
      entries: () => [{ path: '../outside/pwned', body: 'pwned' }],
      reason: 'path-traversal',
      message: () => 'The repository snapshot was refused because the entry "../outside/pwned" has a path leading out of the repository ("..").',
    },
    {
      name: 'a .. folder entry, before any file uses it',
      entries: () => github({ path: `${PREFIX}/../`, type: 'Directory' }),
      reason: 'path-traversal',
      message: () => `The repository snapshot was refused because the entry "${PREFIX}/../" has a path leading out of the repository ("..").`,
    },
    {
      name: 'an absolute path aimed at the canary',
      entries: () => github({ path: path.join(outside, 'canary.txt'), body: 'pwned' }),
      reason: 'path-traversal',
      message: () => `The repository snapshot was refused because the entry "${path.join(outside, 'canary.txt')}" has an absolute path.`,
    },
    {
      name: 'a symbolic link to an absolute folder',
      entries: () => github({ path: `${PREFIX}/etc`, type: 'SymbolicLink', linkpath: '/etc' }),
      reason: 'link-outside',
      message: () => 'The repository snapshot was refused because the symbolic link "etc" points outside the repository (to "/etc").',
    },
    {
      // The classic: a link out, then a file written through it.
      name: 'a relative symbolic link climbing out, then a file through it',
      entries: () =>
        github({ path: `${PREFIX}/src/out`, type: 'SymbolicLink', linkpath: '../../outside' }, { path: `${PREFIX}/src/out/pwned`, body: 'pwned' }),
      reason: 'link-outside',
      message: () => 'The repository snapshot was refused because the symbolic link "src/out" points outside the repository (to "../../outside").',
    },
    {
      name: 'a hard link to an absolute file',
      entries: () => github({ path: `${PREFIX}/passwd`, type: 'Link', linkpath: '/etc/passwd' }),
      reason: 'link-outside',
      message: () => 'The repository snapshot was refused because the hard link "passwd" points outside the repository (to "/etc/passwd").',
    },
    {
      name: 'a hard link to a file beside the top folder',
      entries: () => github({ path: `${PREFIX}/canary.txt`, type: 'Link', linkpath: `${PREFIX}/../outside/canary.txt` }),
      reason: 'link-outside',
      message: () =>
        `The repository snapshot was refused because the hard link "canary.txt" points outside the repository (to "${PREFIX}/../outside/canary.txt").`,
    },
    {
      name: 'an entry outside the single top folder',
      entries: () => github(file('a.ts', 'a'), { path: 'other-folder/b.ts', body: 'b' }),
      reason: 'corrupt',
      message: () => `The repository snapshot was refused because the entry "other-folder/b.ts" is not inside its single top folder "${PREFIX}/".`,
    },
  ];

  it.each(cases)('rejects $name', async ({ entries, reason, message }) => {
    const rejected = await expectRejection(gzipSync(rawTar(entries(), { commit: COMMIT })), reason);
    expect(rejected.message).toBe(message());
  });

  it('keeps names that merely contain dots (the valid twin of ..)', async () => {
    const result = await extractTarball(rawTar(github(file('src/a..b.ts', 'a'), file('..hidden', 'h'))), destination);
    expect(result.files).toBe(2);
    expect(listTree(destination)).toEqual(['..hidden', 'src/', 'src/a..b.ts']);
  });

  it('skips links that stay inside the repository, creating none, and lists them', async () => {
    const entries = github(
      file('README.md', 'read me'),
      { path: `${PREFIX}/src/alias.md`, type: 'SymbolicLink', linkpath: '../README.md' },
      { path: `${PREFIX}/copy.md`, type: 'Link', linkpath: `${PREFIX}/README.md` },
    );

    const result = await extractTarball(gzipSync(rawTar(entries)), destination);

    expect(result).toMatchObject({ files: 1, bytes: 7, skippedLinks: ['src/alias.md', 'copy.md'] });
    expect(listTree(destination)).toEqual(['README.md']);
    expect(() => lstatSync(path.join(destination, 'copy.md'))).toThrow(/ENOENT/);
  });

  it('skips FIFOs and devices', async () => {
    const entries = github(file('a.ts', 'a'), { path: `${PREFIX}/pipe`, type: 'FIFO' }, { path: `${PREFIX}/tty`, type: 'CharacterDevice' });
    const result = await extractTarball(rawTar(entries), destination);
    expect(result).toMatchObject({ files: 1, skippedLinks: [] });
    expect(listTree(destination)).toEqual(['a.ts']);
  });
});

describe('extractTarball: limits', () => {
  const threeFiles = github(file('a.ts', 'aaaaaa'), file('b.ts', 'bbbbbb'), { path: `${PREFIX}/link`, type: 'SymbolicLink', linkpath: 'a.ts' });

  it('rejects more entries than maxFiles, links included, and removes the files already written', async () => {
    const rejected = await expectRejection(rawTar(threeFiles), 'too-many-files', { limits: { maxFiles: 2 } });
    expect(rejected.message).toBe('The repository has more than 2 files, more than Premortem extracts for a review (stopped at "link").');
  });

  it('accepts exactly maxFiles entries', async () => {
    await expect(extractTarball(rawTar(threeFiles), destination, { limits: { maxFiles: 3 } })).resolves.toMatchObject({ files: 2 });
  });

  it('rejects files adding up to more than maxBytes', async () => {
    const rejected = await expectRejection(rawTar(threeFiles), 'too-large', { limits: { maxBytes: 11 } });
    expect(rejected.message).toBe(`The repository's files add up to more than 11 bytes, more than Premortem extracts for a review (stopped at "b.ts").`);
  });

  it('accepts files adding up to exactly maxBytes', async () => {
    await expect(extractTarball(rawTar(threeFiles), destination, { limits: { maxBytes: 12 } })).resolves.toMatchObject({ bytes: 12 });
  });

  it('rejects a file larger than maxFileBytes from its header, without reading its body', async () => {
    const { source, pulled } = countingSource(tarChunks(github(file('a.ts', 'a'), { path: `${PREFIX}/assets/big.bin`, size: 6 * MB })));

    const rejected = await expectRejection(source, 'file-too-large', { limits: { maxFileBytes: 1 * MB } });

    expect(rejected.message).toBe('The file "assets/big.bin" is 6 MB, larger than the 1 MB Premortem extracts for one file.');
    expect(rejected.entry).toBe(`${PREFIX}/assets/big.bin`);
    expect(pulled()).toBeLessThan(128 * 1024);
  });

  it('accepts a file of exactly maxFileBytes', async () => {
    const result = await extractTarball(Readable.from(tarChunks(github({ path: `${PREFIX}/big.bin`, size: 1 * MB }))), destination, {
      limits: { maxFileBytes: 1 * MB },
    });
    expect(result).toMatchObject({ files: 1, bytes: 1 * MB });
    expect(lstatSync(path.join(destination, 'big.bin')).size).toBe(1 * MB);
  });
});

describe('extractTarball: include', () => {
  const sourceish = (relativePath: string) => /\.(ts|json)$/.test(relativePath);
  // 64 MB, generated lazily: far above maxBytes and maxFileBytes, so only streaming past it can succeed.
  const withHugeAsset = () =>
    tarChunks(github(file('package.json', '{}'), file('src/a.ts', 'a'), file('README.md', 'read me'), { path: `${PREFIX}/assets/huge.bin`, size: 64 * MB }));

  it('writes only included files; excluded ones are streamed past and count toward neither bytes nor file size', async () => {
    const { source, pulled } = countingSource(withHugeAsset());

    const result = await extractTarball(source, destination, { include: sourceish, limits: { maxBytes: 1 * MB, maxFileBytes: 1 * MB } });

    expect(result).toMatchObject({ files: 2, bytes: 3 });
    expect(listTree(destination)).toEqual(['package.json', 'src/', 'src/a.ts']);
    expect(pulled()).toBeGreaterThan(64 * MB);
  });

  it('counts excluded files toward maxFiles', async () => {
    const rejected = await expectRejection(Readable.from(withHugeAsset()), 'too-many-files', { include: sourceish, limits: { maxFiles: 3 } });
    expect(rejected.message).toBe('The repository has more than 3 files, more than Premortem extracts for a review (stopped at "assets/huge.bin").');
  });
});

describe('extractTarball: corrupt archives', () => {
  const tarball = rawTar(github(file('a.ts', 'a'.repeat(3000)), file('b.ts', 'b')), { commit: COMMIT });
  const gzipped = gzipSync(tarball);
  const badChecksum = Buffer.from(tarball);
  badChecksum.write('X', 1024 + 512 + 1); // a byte of a.ts's path, after the pax global header and the top folder

  const cases: { name: string; source: Buffer; detail: string }[] = [
    { name: 'a gzip cut in half', source: gzipped.subarray(0, gzipped.length >> 1), detail: 'is not a readable tar.gz archive: unexpected end of file' },
    { name: 'a gzip header over garbage', source: Buffer.concat([gzipped.subarray(0, 2), Buffer.alloc(600, 7)]), detail: 'is not a readable tar.gz archive: unknown compression method' },
    { name: 'text that is no archive', source: Buffer.from('not a tarball '.repeat(100)), detail: 'is not a readable tar.gz archive: checksum failure' },
    { name: 'an empty download', source: Buffer.alloc(0), detail: 'is not a readable tar.gz archive: unrecognized archive format' },
    { name: 'a header with a bad checksum', source: badChecksum, detail: 'is not a readable tar.gz archive: checksum failure' },
    {
      name: 'a tar cut inside a file body',
      source: tarball.subarray(0, 1024 + 512 + 1000),
      detail: 'is not a readable tar.gz archive: truncated input (needed 3072 more bytes, only 488 available)',
    },
    {
      name: 'a tar cut at an entry boundary',
      source: rawTar(github(file('a.ts', 'a')), { withoutEnd: true }),
      detail: 'is not a complete tar archive: it stops before the end-of-archive marker',
    },
  ];

  it.each(cases)('rejects $name', async ({ source, detail }) => {
    const rejected = await expectRejection(source, 'corrupt');
    expect(rejected.message).toBe(`The repository snapshot ${detail}.`);
  });

  it('rejects a path given twice rather than overwriting the first', async () => {
    const rejected = await expectRejection(rawTar(github(file('a.ts', 'first'), file('a.ts', 'second'))), 'corrupt');
    expect(rejected.message).toBe(`The repository snapshot was refused because the entry "${PREFIX}/a.ts" clashes with another entry or cannot be written (EEXIST).`);
  });

  it('rejects a gzip bomb through tar’s decompression-ratio guard, even when include drops the file', async () => {
    const bomb = gzipSync(rawTar(github(file('a.ts', 'a'), { path: `${PREFIX}/zeros.bin`, size: 20 * MB })));
    const rejected = await expectRejection(bomb, 'corrupt', { include: (relativePath) => relativePath.endsWith('.ts') });
    expect(rejected.message).toMatch(/^The repository snapshot is not a readable tar\.gz archive: max decompression ratio exceeded: [\d.]+ > 1000\.$/);
  });
});

describe('extractTarball: timeout and cancellation', () => {
  const tarball = gzipSync(rawTar(github(file('a.ts', 'a'), file('b.ts', 'b'.repeat(4000))), { commit: COMMIT }));

  it('rejects a source that stalls past timeoutMs', async () => {
    async function* stalls() {
      yield tarball.subarray(0, tarball.length >> 1);
      await new Promise(() => undefined); // never settles, like a server that stops sending
    }
    const started = Date.now();
    const rejected = await expectRejection(stalls(), 'timeout', { limits: { timeoutMs: 200 } });
    expect(rejected.message).toBe('Extracting the repository took longer than 200 ms, the most Premortem allows.');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects when the caller aborts, and destroys a Readable source', async () => {
    const download = new PassThrough();
    download.write(tarball.subarray(0, 100));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const rejected = await expectRejection(download, 'timeout', { signal: controller.signal });

    expect(rejected.message).toBe('Extracting the repository was cancelled before it finished.');
    expect(download.destroyed).toBe(true);
  });

  it('rejects at once with a signal already aborted', async () => {
    const rejected = await expectRejection(tarball, 'timeout', { signal: AbortSignal.abort() });
    expect(rejected.message).toBe('Extracting the repository was cancelled before it finished.');
  });
});
