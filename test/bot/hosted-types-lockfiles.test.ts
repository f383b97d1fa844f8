import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageOf, packagesImportedBy, typesPackageOf, untypedName } from '../../bot/src/hosted-types/imported-packages.js';
import { resolveLocked } from '../../bot/src/hosted-types/hosted-types.js';
import type { LockedPackage, LockfileReading } from '../../bot/src/hosted-types/locked-package.js';
import { installFolder } from '../../bot/src/hosted-types/materialize.js';
import { readLockfiles } from '../../bot/src/hosted-types/read-lockfiles.js';
import { readPackageLock } from '../../bot/src/hosted-types/read-package-lock.js';
import { readPnpmLock } from '../../bot/src/hosted-types/read-pnpm-lock.js';
import { readYarnLock } from '../../bot/src/hosted-types/read-yarn-lock.js';

const I = (c: string) => `sha512-${c.repeat(86)}==`;
const byLocation = (reading: LockfileReading) => {
  if (!('packages' in reading)) throw new Error(reading.unsupported);
  return Object.fromEntries(reading.packages.map((pkg) => [pkg.location, `${pkg.name}@${pkg.version}${pkg.integrity ? '' : ' (no integrity)'}`]));
};

describe('package-lock.json', () => {
  it('v3: every installed folder at its location, nested and in workspaces; links, bundled and root entries left out; aliases by their target', () => {
    const lock = {
      name: 'mono',
      lockfileVersion: 3,
      packages: {
        '': { name: 'mono', workspaces: ['apps/*', 'packages/*'] },
        'apps/web': { name: 'web', dependencies: { 'calendar-client': '^2' } },
        'node_modules/@acme/db': { resolved: 'packages/db', link: true },
        'node_modules/calendar-client': { version: '1.0.0', resolved: 'https://registry.npmjs.org/calendar-client/-/calendar-client-1.0.0.tgz', integrity: I('a') },
        'node_modules/calendar-client/node_modules/gaxios': { version: '6.1.0', integrity: I('b') },
        'apps/web/node_modules/calendar-client': { version: '2.0.0', integrity: I('c') },
        'node_modules/old-fetch': { name: 'node-fetch', version: '2.7.0', integrity: I('d') },
        'node_modules/parent/node_modules/bundled': { version: '1.0.0', inBundle: true },
        'node_modules/@types/node': { version: '20.19.0', integrity: I('e'), dev: true },
        'node_modules/git-dep': { version: '1.0.0', resolved: 'git+ssh://git@github.com/a/b.git#abc' },
      },
    };
    expect(byLocation(readPackageLock('package-lock.json', '', JSON.stringify(lock)))).toEqual({
      'node_modules/calendar-client': 'calendar-client@1.0.0',
      'node_modules/calendar-client/node_modules/gaxios': 'gaxios@6.1.0',
      'apps/web/node_modules/calendar-client': 'calendar-client@2.0.0',
      'node_modules/old-fetch': 'node-fetch@2.7.0',
      'node_modules/@types/node': '@types/node@20.19.0',
      'node_modules/git-dep': 'git-dep@1.0.0 (no integrity)',
    });
  });

  it('v1: the nested dependencies tree, below the lockfile’s folder', () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', integrity: I('a'), dependencies: { b: { version: '2.0.0', integrity: I('b') } } },
        c: { version: 'npm:d@3.0.0', integrity: I('c') },
      },
    };
    expect(byLocation(readPackageLock('web/package-lock.json', 'web', JSON.stringify(lock)))).toEqual({
      'web/node_modules/a': 'a@1.0.0',
      'web/node_modules/a/node_modules/b': 'b@2.0.0',
      'web/node_modules/c': 'd@3.0.0',
    });
  });
});

describe('pnpm-lock.yaml', () => {
  it('v9: importers’ direct dependencies in their own node_modules, the rest hoisted beside the lockfile', () => {
    const lock = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      '@types/node':
        specifier: ^20.0.0
        version: 20.19.0

  apps/web:
    dependencies:
      '@acme/db':
        specifier: workspace:*
        version: link:../../packages/db
      calendar-client:
        specifier: ^2.0.0
        version: 2.0.0(react@19.0.0)
      fetcher:
        specifier: npm:node-fetch@^2
        version: node-fetch@2.7.0

packages:

  '@types/node@20.19.0':
    resolution: {integrity: ${I('e')}}

  calendar-client@1.0.0:
    resolution: {integrity: ${I('a')}}

  calendar-client@2.0.0:
    resolution: {integrity: ${I('c')}}
    peerDependencies:
      react: '*'

  gaxios@6.1.0:
    resolution: {integrity: ${I('b')}}

  node-fetch@2.7.0:
    resolution: {integrity: ${I('d')}}

snapshots:

  calendar-client@2.0.0(react@19.0.0):
    dependencies:
      gaxios: 6.1.0
`;
    expect(byLocation(readPnpmLock('pnpm-lock.yaml', '', lock))).toEqual({
      'node_modules/@types/node': '@types/node@20.19.0',
      'apps/web/node_modules/calendar-client': 'calendar-client@2.0.0',
      'apps/web/node_modules/fetcher': 'node-fetch@2.7.0',
      'node_modules/calendar-client': 'calendar-client@1.0.0',
      'node_modules/gaxios': 'gaxios@6.1.0',
      'node_modules/node-fetch': 'node-fetch@2.7.0',
    });
  });

  it('v6 (`/name@version(peers)` keys) and v5.4 (`/name/version_peers` keys, string references)', () => {
    const v6 = `lockfileVersion: '6.0'
dependencies:
  '@scope/a':
    specifier: ^1.0.0
    version: 1.0.0(react@18.0.0)
packages:
  /@scope/a@1.0.0(react@18.0.0):
    resolution: {integrity: ${I('a')}}
  /b@2.0.0:
    resolution: {integrity: ${I('b')}}
`;
    expect(byLocation(readPnpmLock('pnpm-lock.yaml', '', v6))).toEqual({ 'node_modules/@scope/a': '@scope/a@1.0.0', 'node_modules/b': 'b@2.0.0' });
    const v5 = `lockfileVersion: 5.4
specifiers:
  '@scope/a': ^1.0.0
dependencies:
  '@scope/a': 1.0.0_react@18.0.0
packages:
  /@scope/a/1.0.0_react@18.0.0:
    resolution: {integrity: ${I('a')}}
  /@scope/a/0.9.0:
    resolution: {integrity: ${I('b')}}
`;
    expect(byLocation(readPnpmLock('pnpm-lock.yaml', '', v5))).toEqual({ 'node_modules/@scope/a': '@scope/a@1.0.0' });
  });

  it('does not expand YAML aliases (a billion laughs is refused, not computed)', () => {
    const bomb = `a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n`;
    expect(() => readPnpmLock('pnpm-lock.yaml', '', bomb)).toThrow();
  });
});

describe('yarn.lock', () => {
  it('Yarn 1: hoisted beside the lockfile, at the version the manifest asked for, integrity as locked', () => {
    const lock = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


calendar-client@^1.0.0:
  version "1.0.0"
  resolved "https://registry.yarnpkg.com/calendar-client/-/calendar-client-1.0.0.tgz#abc"
  integrity ${I('a')}

calendar-client@^2.0.0, calendar-client@^2.0.1:
  version "2.0.1"
  resolved "https://registry.yarnpkg.com/calendar-client/-/calendar-client-2.0.1.tgz#def"
  integrity ${I('c')}

"@scope/x@^3":
  version "3.1.0"
  integrity ${I('b')}

"fetcher@npm:node-fetch@^2":
  version "2.7.0"
  integrity ${I('d')}
`;
    const reading = readYarnLock('yarn.lock', '', lock, { 'calendar-client': '^2.0.1' });
    expect(byLocation(reading)).toEqual({
      'node_modules/calendar-client': 'calendar-client@2.0.1',
      'node_modules/@scope/x': '@scope/x@3.1.0',
      'node_modules/fetcher': 'node-fetch@2.7.0',
    });
    expect((reading as { packages: LockedPackage[] }).packages[0]!.resolved).toBe('https://registry.yarnpkg.com/calendar-client/-/calendar-client-2.0.1.tgz');
  });

  it('Yarn 2+ (berry): unsupported, since its checksums are not of the registry’s tarballs', () => {
    const berry = `__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"calendar-client@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "calendar-client@npm:1.0.0"\n  checksum: 10c0/${'ab'.repeat(64)}\n  languageName: node\n  linkType: hard\n`;
    const reading = readYarnLock('yarn.lock', '', berry);
    expect('unsupported' in reading && reading.unsupported).toContain('Yarn 2+');
  });
});

describe('finding the lockfiles of a snapshot', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'premortem-locks-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  it('reads the root’s and projects’ a few folders down, one per folder by precedence, none inside node_modules, and says why one is unusable', async () => {
    write('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/a': { version: '1.0.0', integrity: I('a') } } }));
    write('yarn.lock', 'ignored: a package-lock.json beside it wins\n');
    write('services/api/pnpm-lock.yaml', `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      b:\n        specifier: ^1\n        version: 1.0.0\npackages:\n  b@1.0.0:\n    resolution: {integrity: ${I('b')}}\n`);
    write('node_modules/x/package-lock.json', '{}');
    write('broken/package-lock.json', '{ not json');
    write('a/b/c/package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: {} }));
    const readings = await readLockfiles(root, { maxBytes: 1e6 });
    expect(readings.map((reading) => ('packages' in reading ? byLocation(reading) : reading.unsupported))).toEqual([
      { 'node_modules/a': 'a@1.0.0' },
      expect.stringContaining('broken/package-lock.json could not be read'),
      { 'services/api/node_modules/b': 'b@1.0.0' },
    ]);
  });

  it('refuses a lockfile over the size limit without reading it whole', async () => {
    write('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: {}, pad: 'x'.repeat(5000) }));
    expect(await readLockfiles(root, { maxBytes: 1000 })).toEqual([{ file: 'package-lock.json', unsupported: 'package-lock.json is larger than 0 MB' }]);
  });
});

describe('which packages are needed', () => {
  it('reads every kind of import with TypeScript’s pre-processor, mapped to package names; builtins, relative and aliased paths left out', () => {
    const source = `/// <reference types="jest" />
      import { calendar } from 'calendar-client/v3';
      import type { Options } from '@scope/pkg/sub/path';
      export { thing } from 'reexported';
      export * from './local';
      import fs from 'node:fs';
      import path from 'path';
      import x = require('legacy');
      const lazy = await import('lazy-loaded');
      const cjs = require('required');
      import alias from '@/components/button';
      const notAnImport = "import('in-a-string')";
      // import { nope } from 'in-a-comment';
    `;
    expect(packagesImportedBy(source).sort()).toEqual(['@scope/pkg', '@types/jest', 'calendar-client', 'lazy-loaded', 'legacy', 'reexported', 'required']);
  });

  it('maps names to their DefinitelyTyped package and leaves non-packages out', () => {
    expect(typesPackageOf('express')).toBe('@types/express');
    expect(typesPackageOf('@babel/core')).toBe('@types/babel__core');
    expect([untypedName('@types/babel__core'), untypedName('@types/node')]).toEqual(['@babel/core', 'node']);
    expect([packageOf('fs/promises'), packageOf('#internal'), packageOf('https://x.y/z.js'), packageOf('/abs'), packageOf('a/b')]).toEqual([undefined, undefined, undefined, undefined, 'a']);
  });

  it('resolves as Node does: the nearest node_modules from the importing folder upward', () => {
    const pkg = (location: string): LockedPackage => ({ location, name: 'x', version: location, integrity: I('a'), resolved: undefined });
    const locations = new Map([pkg('node_modules/x'), pkg('apps/web/node_modules/x'), pkg('node_modules/y/node_modules/x')].map((p) => [p.location, p]));
    expect(resolveLocked(locations, 'x', 'apps/web/src/pages')?.location).toBe('apps/web/node_modules/x');
    expect(resolveLocked(locations, 'x', 'apps/api/src')?.location).toBe('node_modules/x');
    expect(resolveLocked(locations, 'x', 'node_modules/y')?.location).toBe('node_modules/y/node_modules/x');
    expect(resolveLocked(locations, 'z', 'apps/web')).toBeUndefined();
  });

  it('lays packages out only at install locations inside the snapshot', () => {
    const root = '/snap/root';
    expect(installFolder(root, 'apps/web/node_modules/@s/x')).toBe('/snap/root/apps/web/node_modules/@s/x');
    expect(installFolder(root, 'node_modules/x/node_modules/y')).toBe('/snap/root/node_modules/x/node_modules/y');
    for (const bad of ['../node_modules/x', 'node_modules/../../etc', '/etc/node_modules/x', 'src/x', 'node_modules/a/b', 'node_modules', 'node_modules//x']) {
      expect({ bad, folder: installFolder(root, bad) }).toEqual({ bad, folder: undefined });
    }
  });
});
