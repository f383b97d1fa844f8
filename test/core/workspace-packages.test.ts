import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findProjectRoot } from '../../packages/core/src/engine/project-root.js';
import { loadProjectSchema } from '../../packages/core/src/engine/project-schema.js';
import { toSourceEntryPoints } from '../../packages/core/src/engine/source-entry-points.js';
import { MAX_MANIFEST_BYTES } from '../../packages/core/src/engine/workspace-manifest.js';
import { Workspaces } from '../../packages/core/src/engine/workspace-packages.js';
import { createProject } from '../support/cli.js';

const manifest = (name: string, extra: object = {}) => JSON.stringify({ name, ...extra });
const project = (files: Record<string, string>) => createProject(files, { withNodeTypes: false, everyRule: false });
const names = (dir: string) => [...(new Workspaces().of(dir)?.packages.values() ?? [])].map((pkg) => `${pkg.name} ${path.relative(dir, pkg.folder)}`);

describe('workspace packages', () => {
  it('reads npm workspaces (an array of globs)', () => {
    const dir = project({ 'package.json': JSON.stringify({ workspaces: ['apps/*', 'packages/*'] }), 'apps/web/package.json': manifest('web'), 'packages/db/package.json': manifest('@acme/db') });
    expect(names(dir)).toEqual(['web apps/web', '@acme/db packages/db']);
  });

  it("reads yarn's { packages: [...] } and leaves out a folder without package.json", () => {
    const dir = project({ 'package.json': JSON.stringify({ workspaces: { packages: ['packages/*'] } }), 'packages/db/package.json': manifest('@acme/db'), 'packages/docs/README.md': '' });
    expect(names(dir)).toEqual(['@acme/db packages/db']);
  });

  it('reads pnpm-workspace.yaml and honours ! globs (the twin: the same package without the ! glob)', () => {
    const files = { 'packages/db/package.json': manifest('@acme/db'), 'packages/old/package.json': manifest('@acme/old') };
    const negated = project({ ...files, 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n  - "!packages/old"\n' });
    const plain = project({ ...files, 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' });
    expect(names(negated)).toEqual(['@acme/db packages/db']);
    expect(names(plain)).toEqual(['@acme/db packages/db', '@acme/old packages/old']);
  });

  it('never lists node_modules, and ignores globs that reach outside the workspace, with a note', () => {
    const dir = project({
      'pnpm-workspace.yaml': 'packages:\n  - "**"\n  - "../elsewhere/*"\n',
      'packages/db/package.json': manifest('@acme/db'),
      'packages/db/node_modules/zod/package.json': manifest('zod'),
    });
    const workspace = new Workspaces().of(dir)!;
    expect([...workspace.packages.keys()]).toEqual(['@acme/db']);
    expect(workspace.notes).toEqual([`the workspace glob ../elsewhere/* reaches outside ${dir} and was ignored.`]);
  });

  it('turns a broken package.json, an oversized one and a broken pnpm-workspace.yaml into notes, never a crash', () => {
    const dir = project({
      'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
      'packages/broken/package.json': '{ "name": ',
      'packages/huge/package.json': ' '.repeat(MAX_MANIFEST_BYTES + 1),
      'packages/db/package.json': manifest('@acme/db'),
    });
    const workspace = new Workspaces().of(dir)!;
    expect([...workspace.packages.keys()]).toEqual(['@acme/db']);
    expect(workspace.notes).toEqual([
      expect.stringMatching(/^packages\/broken\/package\.json is not valid JSON \(.*\); that package is not resolved by name\.$/),
      'packages/huge/package.json is 1.0 MB, over the 1 MB limit, and was not read; that package is not resolved by name.',
    ]);
    const yaml = project({ 'pnpm-workspace.yaml': 'packages: [unclosed\n' });
    expect(new Workspaces().of(yaml)!.notes).toEqual([expect.stringMatching(/^pnpm-workspace\.yaml is not valid YAML .*; workspace packages were not resolved by name\.$/)]);
  });

  it('says when two packages share a name, and resolves the name to the first by path', () => {
    const dir = project({ 'package.json': JSON.stringify({ workspaces: ['packages/*'] }), 'packages/a/package.json': manifest('dup'), 'packages/b/package.json': manifest('dup') });
    const workspace = new Workspaces().of(dir)!;
    const found = workspace.packageOf('dup/sub/path');
    expect([found?.pkg.folder, found?.subpath]).toEqual([path.join(dir, 'packages/a'), 'sub/path']);
    expect(workspace.notes).toEqual(['packages/b/package.json and packages/a/package.json are both named dup; imports of it resolve to the first.']);
  });
});

describe('the repository root without .git', () => {
  it('is the outermost folder declaring a workspace', () => {
    const dir = project({ 'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n', 'apps/web/package.json': manifest('web'), 'apps/web/src/page.ts': '' });
    expect(findProjectRoot(path.join(dir, 'apps/web/src'))).toBe(dir);
  });

  it('is the folder asked about when none declares a workspace (the twin)', () => {
    const dir = project({ 'package.json': manifest('app'), 'src/page.ts': '' });
    expect(findProjectRoot(path.join(dir, 'src'))).toBe(path.join(dir, 'src'));
  });

  it("is the nearest folder holding premortem's config when none declares a workspace", () => {
    const dir = project({ '.github/premortem.yml': 'preset: strict\n', 'package.json': manifest('app'), 'src/lib/page.ts': '' });
    expect(findProjectRoot(path.join(dir, 'src/lib'))).toBe(dir);
  });

  it('is the nearest folder holding a lockfile when none declares a workspace (an Nx monorepo)', () => {
    const dir = project({ 'package-lock.json': '{}', 'package.json': manifest('monorepo'), 'apps/api/tsconfig.json': '{}', 'apps/api/src/main.ts': '' });
    expect(findProjectRoot(path.join(dir, 'apps/api'))).toBe(dir);
  });
});

describe('entry points of an unbuilt package', () => {
  const dir = project({
    'src/index.ts': '',
    'src/client.ts': '',
    'src/jobs/run.ts': '',
    'types/env.d.ts': '',
  });

  it('point at the sources their missing build outputs come from; existing files are kept', () => {
    const mapped = toSourceEntryPoints(dir, {
      main: './dist/index.cjs',
      types: './dist/index.d.ts',
      exports: {
        '.': { types: './dist/index.d.ts', import: './dist/index.js' },
        './client': { types: './dist/src/client.d.ts', default: './dist/src/client.js' },
        './jobs/*': { types: './dist/jobs/*.d.ts' },
        './env': './types/env.d.ts',
        './package.json': './package.json',
      },
    });
    expect(mapped).toEqual({
      main: './src/index.ts',
      types: './src/index.ts',
      exports: {
        '.': { types: './src/index.ts', import: './src/index.ts' },
        './client': { types: './src/client.ts', default: './src/client.ts' },
        // A pattern is mapped by its folder, with `.js` so that TypeScript tries .ts, .tsx and .d.ts.
        './jobs/*': { types: './src/jobs/*.js' },
        './env': './types/env.d.ts',
        './package.json': './package.json',
      },
    });
  });

  it('gain `types` at src/index.ts when they name nothing', () => {
    expect(toSourceEntryPoints(dir, { name: 'x' })).toEqual({ name: 'x', types: './src/index.ts' });
  });
});

describe("a Program's Prisma schema in a workspace", () => {
  const schema = (model: string) => `datasource db {\n  provider = "postgresql"\n}\n\nmodel ${model} {\n  id Int @id\n}\n`;
  const workspace = () =>
    project({
      'package.json': JSON.stringify({ workspaces: ['apps/*', 'packages/*'] }),
      'apps/web/package.json': manifest('web', { dependencies: { '@acme/billing': '*' } }),
      'apps/admin/package.json': manifest('admin'),
      'packages/billing/package.json': manifest('@acme/billing', { dependencies: { '@prisma/client': '*' } }),
      'packages/billing/prisma/schema.prisma': schema('Invoice'),
      'packages/db/package.json': manifest('@acme/db', { prisma: { schema: 'models' } }),
      'packages/db/models/user.prisma': schema('User'),
    });
  const modelsOf = (dir: string, app: string) => {
    const found = loadProjectSchema(ts, path.join(dir, app), dir, new Workspaces().of(dir));
    return { models: [...(found.schema?.models.keys() ?? [])], notes: found.notes };
  };

  it("is the schema of the package it depends on, found as Prisma finds it", () => {
    expect(modelsOf(workspace(), 'apps/web')).toEqual({ models: ['Invoice'], notes: [] });
  });

  it('is chosen by path, with a note, when it depends on none of several', () => {
    expect(modelsOf(workspace(), 'apps/admin')).toEqual({
      models: ['Invoice'],
      notes: ['several workspace packages have a schema (packages/billing, packages/db) and apps/admin depends on none of them; read packages/billing\'s.'],
    });
  });

  it('is the package.json `prisma.schema` folder of the one package that has one', () => {
    const dir = project({
      'package.json': JSON.stringify({ workspaces: ['apps/*', 'packages/*'] }),
      'apps/admin/package.json': manifest('admin'),
      'packages/db/package.json': manifest('@acme/db', { prisma: { schema: 'models' } }),
      'packages/db/models/user.prisma': schema('User'),
    });
    mkdirSync(path.join(dir, 'packages/db/models/billing'));
    writeFileSync(path.join(dir, 'packages/db/models/billing/invoice.prisma'), 'model Invoice {\n  id Int @id\n}\n');
    expect(modelsOf(dir, 'apps/admin')).toEqual({ models: ['Invoice', 'User'], notes: [] });
  });
});
