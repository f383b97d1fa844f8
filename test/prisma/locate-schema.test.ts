import { symlinkSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { locatePrismaSchema } from '../../packages/core/src/prisma/locate-schema.js';
import { relativeTo, tempProject, tinySchema } from './temp-project.js';

/** Where the schema was found, relative to the project, and how. */
function locate(files: Record<string, string>) {
  const dir = tempProject(files);
  const found = locatePrismaSchema(ts, dir);
  return found && { files: relativeTo(dir, found.files), via: found.via, diagnostics: found.diagnostics };
}

const packageJson = (schema: unknown) => JSON.stringify({ name: 'app', prisma: { schema } });
const config = (schema: string) => `import path from 'node:path';\nimport { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: ${schema} });\n`;

describe('locatePrismaSchema: package.json prisma.schema', () => {
  it('follows it to a file, ahead of the default places', () => {
    expect(locate({ 'package.json': packageJson('db/main.prisma'), 'db/main.prisma': tinySchema(), 'prisma/schema.prisma': tinySchema() })).toEqual({
      files: ['db/main.prisma'],
      via: 'package.json prisma.schema',
      diagnostics: [],
    });
  });

  it('follows it to a folder and takes every .prisma file below, recursively', () => {
    const found = locate({ 'package.json': packageJson('db'), 'db/a.prisma': tinySchema('A'), 'db/models/b.prisma': tinySchema('B'), 'db/notes.md': '' });
    expect(found?.files).toEqual(['db/a.prisma', 'db/models/b.prisma']);
  });

  it('says so when it points nowhere or is not a string, and falls back', () => {
    const missing = locate({ 'package.json': packageJson('nope/schema.prisma'), 'prisma/schema.prisma': tinySchema() });
    expect(missing).toMatchObject({ files: ['prisma/schema.prisma'], via: 'prisma/schema.prisma' });
    expect(missing?.diagnostics).toEqual(['package.json prisma.schema is nope/schema.prisma, which holds no .prisma file']);
    expect(locate({ 'package.json': packageJson(42), 'schema.prisma': tinySchema() })?.diagnostics).toEqual(['package.json prisma.schema is not a string and was ignored']);
  });

  it('ignores a package.json without prisma.schema, or one that does not parse', () => {
    expect(locate({ 'package.json': '{"name": "app"}', 'prisma/schema.prisma': tinySchema() })).toMatchObject({ via: 'prisma/schema.prisma', diagnostics: [] });
    expect(locate({ 'package.json': '{ nope', 'prisma/schema.prisma': tinySchema() })).toMatchObject({ via: 'prisma/schema.prisma', diagnostics: [] });
  });
});

describe('locatePrismaSchema: prisma.config.ts', () => {
  it('follows a literal path', () => {
    expect(locate({ 'prisma.config.ts': config("'db/app.prisma'"), 'db/app.prisma': tinySchema(), 'prisma/schema.prisma': tinySchema() })).toEqual({
      files: ['db/app.prisma'],
      via: 'prisma.config.ts',
      diagnostics: [],
    });
  });

  it('follows path.join to a multi-file folder', () => {
    const found = locate({ 'prisma.config.ts': config("path.join('database', 'schema')"), 'database/schema/one.prisma': tinySchema('One'), 'database/schema/two.prisma': tinySchema('Two') });
    expect(found).toMatchObject({ files: ['database/schema/one.prisma', 'database/schema/two.prisma'], via: 'prisma.config.ts' });
  });

  it('wins over package.json, as in Prisma', () => {
    const found = locate({ 'prisma.config.ts': config("'from-config.prisma'"), 'from-config.prisma': tinySchema(), 'package.json': packageJson('from-package.prisma'), 'from-package.prisma': tinySchema() });
    expect(found?.files).toEqual(['from-config.prisma']);
  });

  it('without a schema option, leaves the choice to package.json and the default places', () => {
    const found = locate({ 'prisma.config.ts': "export default { migrations: { path: 'm' } };", 'package.json': packageJson('db.prisma'), 'db.prisma': tinySchema() });
    expect(found).toMatchObject({ files: ['db.prisma'], via: 'package.json prisma.schema', diagnostics: [] });
  });

  it('gives up on a computed path with a diagnostic, and looks in the default places', () => {
    const found = locate({ 'prisma.config.ts': config('process.env.PRISMA_SCHEMA!'), 'prisma/schema.prisma': tinySchema() });
    expect(found).toMatchObject({ files: ['prisma/schema.prisma'], via: 'prisma/schema.prisma' });
    expect(found?.diagnostics).toHaveLength(1);
    expect(found?.diagnostics[0]).toMatch(/^prisma\.config\.ts sets `schema` to `process\.env\.PRISMA_SCHEMA!`, which is only known when the file runs/);
  });

  it('says so when the config nests too deeply for TypeScript to parse, and looks in the default places', () => {
    const deep = `${config("'db/schema.prisma'")}export const x = ${'('.repeat(20_000)}1${')'.repeat(20_000)};\n`;
    const found = locate({ 'prisma.config.ts': deep, 'db/schema.prisma': tinySchema(), 'prisma/schema.prisma': tinySchema() });
    expect(found).toMatchObject({ files: ['prisma/schema.prisma'], via: 'prisma/schema.prisma' });
    expect(found?.diagnostics).toEqual([
      "prisma.config.ts cannot be read: TypeScript's parser ran out of stack on this file (it nests too deeply); looked for the schema where Prisma looks by default instead",
    ]);
    // Its twin, the same config without the deep constant, is followed.
    expect(locate({ 'prisma.config.ts': config("'db/schema.prisma'"), 'db/schema.prisma': tinySchema(), 'prisma/schema.prisma': tinySchema() })?.via).toBe('prisma.config.ts');
  });

  it('reads .config/prisma.ts, relative to its own folder', () => {
    const found = locate({ '.config/prisma.ts': "export default { schema: '../db/schema.prisma' };", 'db/schema.prisma': tinySchema() });
    expect(found).toMatchObject({ files: ['db/schema.prisma'], via: '.config/prisma.ts' });
  });
});

describe('locatePrismaSchema: default places', () => {
  it('checks schema.prisma, then prisma/schema.prisma, then the prisma/schema folder', () => {
    expect(locate({ 'schema.prisma': tinySchema(), 'prisma/schema.prisma': tinySchema() })?.files).toEqual(['schema.prisma']);
    expect(locate({ 'prisma/schema.prisma': tinySchema(), 'prisma/schema/a.prisma': tinySchema() })?.files).toEqual(['prisma/schema.prisma']);
    expect(locate({ 'prisma/schema/b.prisma': tinySchema('B'), 'prisma/schema/a.prisma': tinySchema('A'), 'prisma/schema/x/c.prisma': tinySchema('C') })).toMatchObject({
      files: ['prisma/schema/a.prisma', 'prisma/schema/b.prisma', 'prisma/schema/x/c.prisma'],
      via: 'prisma/schema',
    });
  });

  it('finds nothing where there is no schema', () => {
    expect(locate({ 'src/index.ts': '', 'prisma/seed.ts': '', 'prisma/schema/readme.md': '' })).toBeUndefined();
  });
});

describe('locatePrismaSchema: monorepos', () => {
  it('takes the shallowest schema, never one under node_modules, dist or .next', () => {
    const found = locate({
      'packages/db/prisma/schema.prisma': tinySchema(),
      'apps/web/src/deep/prisma/schema.prisma': tinySchema(),
      'node_modules/some-lib/schema.prisma': tinySchema(),
      'dist/schema.prisma': tinySchema(),
      'apps/web/.next/schema.prisma': tinySchema(),
    });
    expect(found).toMatchObject({ files: ['packages/db/prisma/schema.prisma'], via: 'packages/db/prisma/schema.prisma', diagnostics: [] });
  });

  it('takes a whole prisma/schema folder, even when one of its files is named schema.prisma', () => {
    const found = locate({ 'packages/db/prisma/schema/schema.prisma': tinySchema('Main'), 'packages/db/prisma/schema/user.prisma': tinySchema('User') });
    expect(found).toMatchObject({ files: ['packages/db/prisma/schema/schema.prisma', 'packages/db/prisma/schema/user.prisma'], via: 'packages/db/prisma/schema' });
  });

  it('names the other schemas at the same depth', () => {
    const found = locate({ 'apps/b/prisma/schema.prisma': tinySchema(), 'apps/a/prisma/schema.prisma': tinySchema() });
    expect(found?.files).toEqual(['apps/a/prisma/schema.prisma']);
    expect(found?.diagnostics).toEqual([
      'found several schemas at the same depth (apps/a/prisma/schema.prisma, apps/b/prisma/schema.prisma) and read apps/a/prisma/schema.prisma; set `schema` in prisma.config.ts to choose',
    ]);
  });

  it('does not walk a symbolic link to a folder (the twin of a real folder)', () => {
    const outside = tempProject({ 'db/prisma/schema.prisma': tinySchema(), 'db/prisma/schema/extra.prisma': tinySchema('Extra') });
    const dir = tempProject({ 'packages/web/index.ts': '' });
    symlinkSync(path.join(outside, 'db'), path.join(dir, 'packages/db'), 'dir');
    expect(locatePrismaSchema(ts, dir)).toBeUndefined();
    expect(locate({ 'packages/db/prisma/schema.prisma': tinySchema(), 'packages/web/index.ts': '' })?.files).toEqual(['packages/db/prisma/schema.prisma']);
  });

  it('is not used when the root has a schema of its own', () => {
    expect(locate({ 'prisma/schema.prisma': tinySchema(), 'packages/x/schema.prisma': tinySchema() })?.files).toEqual(['prisma/schema.prisma']);
  });
});
