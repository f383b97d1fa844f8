import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findPrismaConfigFile, readConfigSchema, type ConfigSchema } from '../../packages/core/src/prisma/config-schema.js';
import { tempProject } from './temp-project.js';

/** Reads `prisma.config.ts` holding `text`; `cwd` is the project root. */
function schemaOf(text: string, file = 'prisma.config.ts'): ConfigSchema {
  const dir = tempProject({ [file]: text });
  const result = readConfigSchema(ts, path.join(dir, file), dir);
  return result.kind === 'path' ? { kind: 'path', path: path.relative(dir, result.path).split(path.sep).join('/') } : result;
}

const header = `import path from 'node:path';\nimport { defineConfig } from 'prisma/config';\n`;

describe('readConfigSchema: literal paths', () => {
  it('reads a string literal from defineConfig', () => {
    expect(schemaOf(`${header}export default defineConfig({ schema: 'db/schema.prisma' });`)).toEqual({ kind: 'path', path: 'db/schema.prisma' });
  });

  it('reads path.join of literals, __dirname and import.meta.dirname', () => {
    expect(schemaOf(`${header}export default defineConfig({ schema: path.join('prisma', 'schema') });`)).toEqual({ kind: 'path', path: 'prisma/schema' });
    expect(schemaOf(`${header}export default defineConfig({ schema: path.join(__dirname, 'prisma', 'schema.prisma') });`)).toEqual({ kind: 'path', path: 'prisma/schema.prisma' });
    expect(schemaOf(`${header}export default defineConfig({ schema: path.resolve(import.meta.dirname, 'db') });`)).toEqual({ kind: 'path', path: 'db' });
    expect(schemaOf(`import { join } from 'node:path';\nexport default { schema: join('a', 'b.prisma') };`)).toEqual({ kind: 'path', path: 'a/b.prisma' });
  });

  it('reads templates whose parts are all literal', () => {
    expect(schemaOf(`${header}export default defineConfig({ schema: \`\${__dirname}/prisma/schema.prisma\` });`)).toEqual({ kind: 'path', path: 'prisma/schema.prisma' });
    expect(schemaOf(`${header}export default defineConfig({ schema: \`db/schema.prisma\` });`)).toEqual({ kind: 'path', path: 'db/schema.prisma' });
  });

  it('reads fileURLToPath(new URL(…, import.meta.url))', () => {
    const text = `import { fileURLToPath } from 'node:url';\n${header}export default defineConfig({ schema: fileURLToPath(new URL('./db/main.prisma', import.meta.url)) });`;
    expect(schemaOf(text)).toEqual({ kind: 'path', path: 'db/main.prisma' });
  });

  it('reads a default-exported object with satisfies, a named const and a shorthand schema', () => {
    expect(schemaOf(`import type { PrismaConfig } from 'prisma';\nexport default { schema: 'x.prisma' } satisfies PrismaConfig;`)).toEqual({ kind: 'path', path: 'x.prisma' });
    expect(schemaOf(`${header}const config = defineConfig({ schema: 'y.prisma' });\nexport default config;`)).toEqual({ kind: 'path', path: 'y.prisma' });
    expect(schemaOf(`${header}const schema = path.join('db', 'z.prisma');\nexport default defineConfig({ schema });`)).toEqual({ kind: 'path', path: 'db/z.prisma' });
    expect(schemaOf(`module.exports = { schema: 'cjs.prisma' };`, 'prisma.config.cjs')).toEqual({ kind: 'path', path: 'cjs.prisma' });
  });

  it('takes a relative path from the config file folder, and path.resolve from the project root', () => {
    expect(schemaOf(`export default { schema: '../db/schema.prisma' };`, '.config/prisma.ts')).toEqual({ kind: 'path', path: 'db/schema.prisma' });
    expect(schemaOf(`import path from 'node:path';\nexport default { schema: path.resolve('db/schema.prisma') };`, '.config/prisma.ts')).toEqual({
      kind: 'path',
      path: 'db/schema.prisma',
    });
  });
});

describe('readConfigSchema: what it must not take', () => {
  it('never runs the file', () => {
    const dir = tempProject({});
    const marker = path.join(dir, 'ran.txt');
    const text = `${header}import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'yes');\nthrow new Error('must not run');\nexport default defineConfig({ schema: 'ok.prisma' });`;
    writeFileSync(path.join(dir, 'prisma.config.ts'), text);
    expect(readConfigSchema(ts, path.join(dir, 'prisma.config.ts'))).toEqual({ kind: 'path', path: path.join(dir, 'ok.prisma') });
    expect(existsSync(marker)).toBe(false);
  });

  it('gives up on paths only known at run time, saying which', () => {
    for (const value of ['process.env.SCHEMA!', "path.join(process.cwd(), 'db')", '`${process.env.DIR}/schema.prisma`', "getSchemaPath('x')", "['db', 'schema.prisma'].join('/')"]) {
      const result = schemaOf(`${header}export default defineConfig({ schema: ${value} });`);
      expect(result.kind, value).toBe('unresolved');
      expect(result.kind === 'unresolved' ? result.reason : '').toContain(value.replace(/!$/, ''));
    }
  });

  it('ignores `schema` keys outside the config object', () => {
    const text = `${header}const adapter = { schema: 'public' };\nexport default defineConfig({ migrations: { path: 'prisma/migrations' }, datasource: { url: 'postgres://x' } });`;
    expect(schemaOf(text)).toEqual({ kind: 'absent' });
    expect(schemaOf(`${header}export default defineConfig({ datasource: { schema: 'public' } });`)).toEqual({ kind: 'absent' });
  });

  it('reports an unreadable config instead of throwing', () => {
    const dir = tempProject({});
    expect(readConfigSchema(ts, path.join(dir, 'prisma.config.ts')).kind).toBe('unresolved');
  });
});

describe('findPrismaConfigFile', () => {
  it('finds the names Prisma looks for, prisma.config.* before .config/prisma.*', () => {
    expect(path.basename(findPrismaConfigFile(tempProject({ 'prisma.config.mts': '' })) ?? '')).toBe('prisma.config.mts');
    const both = tempProject({ '.config/prisma.ts': '', 'prisma.config.ts': '' });
    expect(findPrismaConfigFile(both)).toBe(path.join(both, 'prisma.config.ts'));
    const dotConfig = tempProject({ '.config/prisma.ts': '' });
    expect(findPrismaConfigFile(dotConfig)).toBe(path.join(dotConfig, '.config/prisma.ts'));
  });

  it('finds nothing for other names or folders', () => {
    expect(findPrismaConfigFile(tempProject({ 'prisma.config.json': '{}', 'prisma/config.ts': '', 'config/prisma.ts': '' }))).toBeUndefined();
    expect(findPrismaConfigFile(tempProject({ 'prisma.config.ts/readme.md': '' }))).toBeUndefined();
  });
});
