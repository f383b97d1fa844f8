import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import ssri from 'ssri';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '@premortem/bot';
import { extractDeclarations } from '../../bot/src/hosted-types/extract-declarations.js';
import { fetchVerifiedTarball, PackageSkipped, tarballUrl } from '../../bot/src/hosted-types/fetch-tarball.js';
import { DEFAULT_HOSTED_TYPES, provideHostedTypes, type HostedTypesSettings } from '../../bot/src/hosted-types/hosted-types.js';
import { TypesCache } from '../../bot/src/hosted-types/types-cache.js';
import { rawTar } from './support/hostile-tar.js';
import { packFixture, startRegistryDouble, type PackedPackage, type RegistryDouble } from './support/registry-double.js';

const never = new AbortController().signal;

/** Every file under `folder`, relative, with its permission bits. */
function listModes(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(folder, full).split(path.sep).join('/');
    if (entry.isSymbolicLink()) out[relative] = 'link';
    else if (entry.isFile()) out[relative] = (statSync(full).mode & 0o777).toString(8);
  }
  return out;
}

const calendarClient = (version: string, dts: string, extra: Record<string, unknown> = {}): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'calendar-client', version, types: 'index.d.ts', main: 'index.js', ...extra }),
  'index.d.ts': dts,
  'index.js': 'module.exports = {};\n',
});

let registry: RegistryDouble;
let client: PackedPackage;
let gaxios: PackedPackage;
let nodeTypes: PackedPackage;
let unused: PackedPackage;
let work: string;

beforeAll(async () => {
  registry = await startRegistryDouble();
  client = packFixture({
    ...calendarClient('1.0.0', "import type { GaxiosResponse } from 'gaxios';\nexport interface Events { patch(p: { id: string }): Promise<GaxiosResponse>; }\nexport declare const calendar: { events: Events };\n", { dependencies: { gaxios: '^6.0.0' } }),
    'bin/cli.js': '#!/usr/bin/env node\nconsole.log(1)\n',
    'types/extra.d.ts': 'export type Extra = 1;\n',
    'README.md': '# calendar-client\n',
  }, ['bin/cli.js', 'types/extra.d.ts']);
  gaxios = packFixture({ 'package.json': JSON.stringify({ name: 'gaxios', version: '6.1.0', types: 'build/index.d.ts' }), 'build/index.d.ts': 'export interface GaxiosResponse { status: number }\n', 'build/index.js': '' });
  nodeTypes = packFixture({ 'package.json': JSON.stringify({ name: '@types/node', version: '20.19.0', types: 'index.d.ts' }), 'index.d.ts': 'declare module "fs" {}\n' });
  unused = packFixture({ 'package.json': JSON.stringify({ name: 'unused', version: '1.0.0', types: 'index.d.ts' }), 'index.d.ts': 'export {}\n' });
  for (const pkg of [client, gaxios, nodeTypes, unused]) registry.add(pkg);
});
afterAll(() => registry.close());
beforeEach(() => (work = mkdtempSync(path.join(os.tmpdir(), 'premortem-hosted-'))));
afterEach(() => rmSync(work, { recursive: true, force: true }));

const settings = (overrides: Partial<HostedTypesSettings> = {}): HostedTypesSettings => ({ ...DEFAULT_HOSTED_TYPES, registry: registry.url, ...overrides });
const lockOf = (...packages: PackedPackage[]) =>
  JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    packages: { '': { name: 'app' }, ...Object.fromEntries(packages.map((pkg) => [`node_modules/${pkg.name}`, { version: pkg.version, resolved: `https://registry.npmjs.org${registry.tarballPath(pkg.name, pkg.version)}`, integrity: pkg.integrity }])) },
  });
/** A snapshot folder with `files`. */
function snapshot(name: string, files: Record<string, string>): string {
  const root = path.join(work, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}
const source = { 'src/sync.ts': "import { calendar } from 'calendar-client';\nexport async function sync() { calendar.events.patch({ id: 'x' }); }\n" };

describe('fetching a locked tarball', () => {
  it('asks the configured registry only: a lockfile `resolved` elsewhere is not followed', () => {
    const pkg = { location: 'node_modules/@s/x', name: '@s/x', version: '1.0.0', integrity: client.integrity, resolved: 'https://evil.example/x.tgz' };
    expect(tarballUrl(pkg, 'https://registry.npmjs.org/')).toBe('https://registry.npmjs.org/@s/x/-/x-1.0.0.tgz');
    expect(tarballUrl({ ...pkg, resolved: 'https://registry.npmjs.org/@s/x/-/x-1.0.0.tgz' }, 'https://registry.npmjs.org')).toBe('https://registry.npmjs.org/@s/x/-/x-1.0.0.tgz');
  });

  it('refuses bytes that do not match the lockfile’s integrity, and a package with none', async () => {
    const pkg = { location: 'node_modules/calendar-client', name: 'calendar-client', version: '1.0.0', resolved: undefined };
    const bytes = await fetchVerifiedTarball({ ...pkg, integrity: client.integrity }, registry.url, { maxBytes: 1e6, timeoutMs: 5000 }, never);
    expect(bytes.equals(client.tarball)).toBe(true);
    await expect(fetchVerifiedTarball({ ...pkg, integrity: gaxios.integrity }, registry.url, { maxBytes: 1e6, timeoutMs: 5000 }, never)).rejects.toMatchObject({ reason: 'integrity-mismatch' });
    await expect(fetchVerifiedTarball({ ...pkg, integrity: undefined }, registry.url, { maxBytes: 1e6, timeoutMs: 5000 }, never)).rejects.toBeInstanceOf(PackageSkipped);
    await expect(fetchVerifiedTarball({ ...pkg, integrity: client.integrity }, registry.url, { maxBytes: 100, timeoutMs: 5000 }, never)).rejects.toMatchObject({ reason: 'too-large' });
  });
});

describe('extracting a package', () => {
  it('writes only package.json and declaration files, all 0644, whatever the archive’s modes', async () => {
    const into = path.join(work, 'out');
    await extractDeclarations(client.tarball, into, never);
    expect(listModes(into)).toEqual({ 'package.json': '644', 'index.d.ts': '644', 'types/extra.d.ts': '644' });
  });

  it('creates no link, and refuses a package whose paths leave it', async () => {
    const tgz = (entries: Parameters<typeof rawTar>[0]) => gzipSync(rawTar(entries));
    const into = path.join(work, 'links');
    await extractDeclarations(
      tgz([
        { path: 'package/package.json', body: '{"name":"x","version":"1.0.0"}' },
        { path: 'package/inner.d.ts', type: 'SymbolicLink', linkpath: 'index.d.ts' },
        { path: 'package/index.d.ts', body: 'export {}' },
        { path: 'package/dev.d.ts', type: 'CharacterDevice' },
      ]),
      into,
      never,
    );
    expect(listModes(into)).toEqual({ 'package.json': '644', 'index.d.ts': '644' });
    for (const hostile of [
      [{ path: 'package/../../escape.d.ts', body: 'x' }],
      [{ path: 'package/out.d.ts', type: 'SymbolicLink' as const, linkpath: '../../../etc/passwd' }],
      [{ path: '/abs.d.ts', body: 'x' }],
    ]) {
      const target = path.join(work, `hostile-${Math.random()}`);
      await expect(extractDeclarations(tgz(hostile), target, never)).rejects.toMatchObject({ reason: 'unsafe-archive' });
      expect(readdirSync(target)).toEqual([]);
    }
    expect(existsSync(path.join(work, 'escape.d.ts'))).toBe(false);
  });
});

describe('laying out a snapshot’s types', () => {
  it('fetches what the code imports (and what those declarations import), verified, into the lockfile’s locations; nothing else', async () => {
    const root = snapshot('one', { 'package-lock.json': lockOf(client, gaxios, nodeTypes, unused), ...source });
    const before = registry.requests.length;
    const report = await provideHostedTypes(root, work, settings(), never);
    expect(report).toMatchObject({ packages: 3, fetched: 3, fromCache: 0, skipped: {}, note: undefined });
    expect(registry.requests.slice(before).sort()).toEqual([registry.tarballPath('@types/node', '20.19.0'), registry.tarballPath('calendar-client', '1.0.0'), registry.tarballPath('gaxios', '6.1.0')].sort());
    expect(listModes(path.join(root, 'node_modules'))).toEqual({
      'calendar-client/package.json': '644',
      'calendar-client/index.d.ts': '644',
      'calendar-client/types/extra.d.ts': '644',
      'gaxios/package.json': '644',
      'gaxios/build/index.d.ts': '644',
      '@types/node/package.json': '644',
      '@types/node/index.d.ts': '644',
    });
  });

  it('follows `/// <reference types>` to the package itself when it has no @types, and JSX to react', async () => {
    const react = packFixture({ 'package.json': JSON.stringify({ name: 'react', version: '19.0.0', types: 'index.d.ts' }), 'index.d.ts': 'export {}\n', 'jsx-runtime.d.ts': 'export {}\n' });
    registry.add(react);
    const root = snapshot('references', {
      'package-lock.json': lockOf(client, gaxios, react),
      'next-env.d.ts': '/// <reference types="calendar-client" />\n',
      'app/page.tsx': 'export default function Page() { return <main />; }\n',
    });
    const report = await provideHostedTypes(root, work, settings(), never);
    expect(report.skipped).toEqual({});
    expect(readdirSync(path.join(root, 'node_modules')).sort()).toEqual(['calendar-client', 'gaxios', 'react']);
  });

  it('takes a package verified once from the cache, without a request', async () => {
    await provideHostedTypes(snapshot('first', { 'package-lock.json': lockOf(client, gaxios), ...source }), work, settings(), never);
    const before = registry.requests.length;
    const root = snapshot('second', { 'package-lock.json': lockOf(client, gaxios), ...source });
    const report = await provideHostedTypes(root, work, settings(), never);
    expect(report).toMatchObject({ packages: 2, fromCache: 2, fetched: 0, downloadedBytes: 0 });
    expect(registry.requests.slice(before)).toEqual([]);
    expect(existsSync(path.join(root, 'node_modules/gaxios/build/index.d.ts'))).toBe(true);
  });

  it('uses nothing from a tarball that does not match the lockfile, and says so', async () => {
    const tampered = packFixture(calendarClient('9.9.9', 'export declare const calendar: any;\n'));
    registry.add({ ...tampered }, client.tarball); // serves other bytes than the integrity pins
    const root = snapshot('tampered', { 'package-lock.json': lockOf(tampered), ...source });
    const report = await provideHostedTypes(root, work, settings(), never);
    expect(report).toMatchObject({ packages: 0, fetched: 0, skipped: { 'integrity-mismatch': 1 } });
    expect(report.note).toContain('integrity-mismatch: 1');
    expect(existsSync(path.join(root, 'node_modules'))).toBe(false);
    const cache = path.join(work, 'types-cache');
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('falls back with a note without a lockfile, or with one it cannot verify (Yarn 2+)', async () => {
    const before = registry.requests.length;
    expect((await provideHostedTypes(snapshot('bare', source), work, settings(), never)).note).toBe('Types from dependencies were not available (no lockfile): findings that depend on them may be missing.');
    const berry = snapshot('berry', { 'yarn.lock': '__metadata:\n  version: 8\n\n"calendar-client@npm:^1.0.0":\n  version: 1.0.0\n  checksum: 10c0/abc\n', ...source });
    expect((await provideHostedTypes(berry, work, settings(), never)).note).toContain('Yarn 2+');
    expect(registry.requests.slice(before)).toEqual([]);
  });

  it('stops starting packages once the budget is spent, keeps what it laid out, and says the types are partial', async () => {
    const root = snapshot('budget', { 'package-lock.json': lockOf(client, gaxios, nodeTypes), ...source });
    const report = await provideHostedTypes(root, work, settings({ maxPackages: 1, concurrency: 1 }), never);
    expect(report.packages).toBe(1);
    expect(report.skipped.budget).toBeGreaterThanOrEqual(1);
    expect(report.note).toMatch(/^Types from dependencies are partial: the budget \(1 packages\) ran out after 1 of \d packages/);
  });

  it('lays a workspace’s own versions out in its folder (a monorepo’s lockfile at the root), where the confined analysis finds them', async () => {
    const lock = JSON.parse(lockOf(gaxios)) as { packages: Record<string, unknown> };
    lock.packages['apps/web/node_modules/calendar-client'] = { version: '1.0.0', integrity: client.integrity };
    lock.packages['apps/web'] = { name: 'web' };
    const root = snapshot('mono', {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }),
      'package-lock.json': JSON.stringify(lock),
      'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { 'calendar-client': '1.0.0' } }),
      'apps/web/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' }, include: ['src'] }),
      'apps/web/src/sync.ts': source['src/sync.ts'],
    });
    const bare = await analyzeSnapshot({ root, withRules: true }, { timeoutMs: 60_000, maxMemoryMb: 1024 }, never);
    expect(bare.findings).toEqual([]);
    const report = await provideHostedTypes(root, work, settings(), never);
    expect(report.packages).toBe(2);
    expect(existsSync(path.join(root, 'apps/web/node_modules/calendar-client/index.d.ts'))).toBe(true);
    expect(existsSync(path.join(root, 'node_modules/gaxios/build/index.d.ts'))).toBe(true);
    const typed = await analyzeSnapshot({ root, withRules: true }, { timeoutMs: 60_000, maxMemoryMb: 1024 }, never);
    expect(typed.findings.map((finding) => [finding.ruleId, path.relative(root, finding.file), finding.line])).toEqual([['premortem/no-floating-promises', 'apps/web/src/sync.ts', 2]]);
  });
});

describe('the cache', () => {
  it('keys entries by integrity and evicts the least recently used past its cap', async () => {
    const cache = new TypesCache(path.join(work, 'cache'), 250);
    const integrity = (text: string) => ssri.fromData(text, { algorithms: ['sha512'] }).toString();
    const fill = (bytes: number) => (files: string) => {
      writeFileSync(path.join(files, 'index.d.ts'), 'x'.repeat(bytes));
      return Promise.resolve({ bytes, imports: [] });
    };
    await cache.put(integrity('a'), { name: 'a', version: '1' }, fill(100));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.put(integrity('b'), { name: 'b', version: '1' }, fill(100));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await cache.get(integrity('a'))).toBeDefined(); // a is now the more recently used
    await cache.put(integrity('c'), { name: 'c', version: '1' }, fill(100));
    expect(await cache.evict()).toBe(1);
    expect(await cache.get(integrity('b'))).toBeUndefined();
    expect(await cache.get(integrity('a'))).toBeDefined();
    expect(await cache.get(integrity('c'))).toBeDefined();
    expect(readdirSync(path.join(work, 'cache')).sort()).toEqual([cache.keyOf(integrity('a')), cache.keyOf(integrity('c'))].sort());
    expect(cache.keyOf(integrity('a'))).toMatch(/^sha512-[0-9a-f]{128}$/);
  });
});
