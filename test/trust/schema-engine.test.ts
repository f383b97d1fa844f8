import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installedProgram, isolationFlags } from '@premortem/core';
import { repoRoot } from '../support/cli.js';
import { PLANTED_EXIT_CODE, plantConfigFiles, plantedFilesThatRan } from '../support/planted-repository.js';

// Prisma's schema engine reads every schema premortem analyzes. It must get the schema's text and
// nothing else: no path it opens, no configuration it looks for, and it must work inside the
// sandbox the bot and `--isolate` run the analysis in.
const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'premortem-schema-engine-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const core = pathToFileURL(path.join(repoRoot, 'packages/core/dist/index.js')).href;
const cli = path.join(repoRoot, 'packages/cli');
const recorder = path.join(repoRoot, 'test/support/record-loaded-modules.mjs');
const engineEntry = createRequire(path.join(repoRoot, 'packages/core/package.json')).resolve('@prisma/prisma-schema-wasm');

/** A repository whose schema is found through its planted prisma.config.ts, with code in every place a tool looks for configuration. */
function plantedSchemaRepository(name: string): { dir: string; canary: string } {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'prisma'), { recursive: true });
  writeFileSync(
    path.join(dir, 'prisma/schema.prisma'),
    'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id       Int       @id\n  bookings Booking[]\n}\n\nmodel Booking {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n}\n',
  );
  return { dir, canary: plantConfigFiles(dir) };
}

/** Loads the repository's schema in a fresh Node under `flags` and the module guard, as the analysis child does. */
function loadGuardedIn(dir: string, flags: string[]): { status: number | null; stdout: string; stderr: string } {
  const program = installedProgram(path.join(cli, 'package.json'));
  const script = `
    import { createRequire } from 'node:module';
    import { loadPrismaSchema, refuseForeignModules, refusedModules } from ${JSON.stringify(core)};
    refuseForeignModules(${JSON.stringify(program.packages)});
    const ts = createRequire(${JSON.stringify(path.join(cli, 'package.json'))})('typescript');
    const schema = loadPrismaSchema(ts, process.cwd());
    const engineLoaded = Object.keys(createRequire(import.meta.url).cache).includes(${JSON.stringify(engineEntry)});
    console.log(JSON.stringify({ models: [...schema.models.keys()].sort(), diagnostics: schema.diagnostics, engineLoaded, refused: refusedModules() }));`;
  const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("Prisma's schema engine", () => {
  it('imports nothing the WebAssembly module could reach a file, a process or the environment through', () => {
    const wasm = new WebAssembly.Module(readFileSync(path.join(path.dirname(engineEntry), 'prisma_schema_build_bg.wasm')));
    const imports = WebAssembly.Module.imports(wasm);
    // wasm-bindgen's glue: a panic's message, building and throwing an Error, its reference table.
    expect(imports.map((entry) => `${entry.module} ${entry.kind} ${entry.name.replace(/_[0-9a-f]{16}$/, '')}`).sort()).toEqual([
      '__wbindgen_placeholder__ function __wbg_Error',
      '__wbindgen_placeholder__ function __wbg___wbindgen_throw',
      '__wbindgen_placeholder__ function __wbg_set_message',
      '__wbindgen_placeholder__ function __wbindgen_init_externref_table',
    ]);
    // The glue's one file access: the module reading its own .wasm.
    const glue = readFileSync(engineEntry, 'utf8');
    expect(glue.match(/require\([^)]*\)/g)).toEqual(["require('fs')"]);
    expect(glue).toContain("const wasmPath = `${__dirname}/prisma_schema_build_bg.wasm`;");
  });

  it('reads a planted repository\'s schema without running or loading anything from it', () => {
    const { dir, canary } = plantedSchemaRepository('plain');
    const record = path.join(work, 'loaded-plain.txt');
    const result = spawnSync(
      process.execPath,
      ['--import', recorder, '--input-type=module', '-e', `
        import { createRequire } from 'node:module';
        import { loadPrismaSchema } from ${JSON.stringify(core)};
        const ts = createRequire(${JSON.stringify(path.join(cli, 'package.json'))})('typescript');
        console.log(JSON.stringify([...loadPrismaSchema(ts, process.cwd()).models.keys()].sort()));`],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, PREMORTEM_RECORD_MODULES: record }, timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(['Booking', 'User']);
    expect(plantedFilesThatRan(canary)).toEqual([]);
    const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(loaded).toContain(engineEntry);
    expect(loaded.filter((file) => file.startsWith(dir + path.sep))).toEqual([]);
  });

  it('works in the sandbox of the isolated analysis, under the module guard, and runs nothing planted', () => {
    const { dir, canary } = plantedSchemaRepository('sandboxed');
    const program = installedProgram(path.join(cli, 'package.json'));
    const { status, stdout, stderr } = loadGuardedIn(dir, isolationFlags([dir, ...program.readable], {}));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ models: ['Booking', 'User'], diagnostics: [], engineLoaded: true, refused: [] });
    expect(plantedFilesThatRan(canary)).toEqual([]);
  });

  it('is not loaded for a project without a schema', () => {
    const dir = path.join(work, 'no-schema');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const { stdout, stderr } = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `
        import { createRequire } from 'node:module';
        import { loadPrismaSchema } from ${JSON.stringify(core)};
        const ts = createRequire(${JSON.stringify(path.join(cli, 'package.json'))})('typescript');
        const schema = loadPrismaSchema(ts, process.cwd());
        console.log(JSON.stringify({ schema: schema ?? null, engineLoaded: Object.keys(createRequire(import.meta.url).cache).includes(${JSON.stringify(engineEntry)}) }));`],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 },
    );
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ schema: null, engineLoaded: false });
  });
});

describe('the planted files of these tests', () => {
  it('run when loaded, so the tests above would see them run', () => {
    const { dir, canary } = plantedSchemaRepository('control');
    // prisma.config.ts is also plain JavaScript: run as an ES module, the way a TypeScript loader would.
    const asModule = path.join(work, 'prisma.config.mjs');
    writeFileSync(asModule, readFileSync(path.join(dir, 'prisma.config.ts')));
    for (const file of [path.join(dir, '.prisma-astrc.cjs'), asModule]) {
      expect(spawnSync(process.execPath, [file], { cwd: dir }).status, file).toBe(PLANTED_EXIT_CODE);
    }
    expect(plantedFilesThatRan(canary)).toEqual(['.prisma-astrc.cjs', 'prisma.config.ts']);
  });
});
