import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installedProgram, isolationFlags } from '@premortem/core';
import { repoRoot } from '../support/cli.js';

// The guard and the sandbox change a whole process for good, so each case runs in a fresh one.
const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'premortem-guard-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const core = pathToFileURL(path.join(repoRoot, 'packages/core/dist/index.js')).href;
const cli = path.join(repoRoot, 'packages/cli');

/** A folder of code the way an analyzed repository holds it; each file, when run, appends its name to `ran`. */
function foreignCode(): string {
  const dir = mkdtempSync(path.join(work, 'repo-'));
  const body = (name: string) => `process.getBuiltinModule('node:fs').appendFileSync(${JSON.stringify(path.join(dir, 'ran'))}, ${JSON.stringify(name + '\n')});\nmodule.exports = 1;\n`;
  writeFileSync(path.join(dir, 'config.cjs'), body('config.cjs'));
  writeFileSync(path.join(dir, 'config.mjs'), body('config.mjs').replace('module.exports = 1;', 'export default 1;'));
  writeFileSync(path.join(dir, 'compiled-by-hand.cjs'), body('compiled-by-hand.cjs'));
  mkdirSync(path.join(dir, 'node_modules/planted'), { recursive: true });
  writeFileSync(path.join(dir, 'node_modules/planted/package.json'), '{"name":"planted","main":"index.js"}');
  writeFileSync(path.join(dir, 'node_modules/planted/index.js'), body('node_modules/planted'));
  writeFileSync(path.join(dir, 'addon.node'), 'not really an addon');
  return dir;
}

/** Runs `script` (an ES module) in a fresh Node with `flags`; its stdout is JSON. */
function run(script: string, dir: string, flags: string[] = []): { status: number | null; out: Record<string, unknown>; stderr: string } {
  const file = path.join(dir, 'probe.mjs');
  writeFileSync(file, script);
  const result = spawnSync(process.execPath, [...flags, file], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, out: result.stdout ? (JSON.parse(result.stdout) as Record<string, unknown>) : {}, stderr: result.stderr };
}

const attempts = (dir: string) => `
  import { createRequire } from 'node:module';
  import Module from 'node:module';
  import { readFileSync } from 'node:fs';
  const results = {};
  const attempt = async (name, load) => {
    try { await load(); results[name] = 'loaded'; } catch (error) { results[name] = error.code ?? error.message; }
  };
  const requireHere = createRequire(${JSON.stringify(path.join(dir, 'index.js'))});
  await attempt('require', () => requireHere('./config.cjs'));
  await attempt('require a package in its node_modules', () => requireHere('planted'));
  await attempt('import an ES module', () => import(${JSON.stringify(pathToFileURL(path.join(dir, 'config.mjs')).href)}));
  await attempt('import CommonJS', () => import(${JSON.stringify(pathToFileURL(path.join(dir, 'config.cjs')).href + '?again')}));
  await attempt('import a data: URL', () => import('data:text/javascript,export default 1'));
  await attempt('compile by hand, as config loaders do', () => {
    const file = ${JSON.stringify(path.join(dir, 'compiled-by-hand.cjs'))};
    const module = new Module(file);
    module._compile(readFileSync(file, 'utf8'), file);
  });
  await attempt('native addon', () => process.dlopen({ exports: {} }, ${JSON.stringify(path.join(dir, 'addon.node'))}));
  await attempt('premortem itself (typescript)', () => createRequire(${JSON.stringify(path.join(cli, 'package.json'))})('typescript'));
`;

describe('refuseForeignModules', () => {
  it('refuses every way of loading code from outside the installed program, and remembers each', () => {
    const dir = foreignCode();
    const { status, out, stderr } = run(
      `import { installedProgram, refuseForeignModules, refusedModules } from ${JSON.stringify(core)};
       const coverage = refuseForeignModules(installedProgram(${JSON.stringify(path.join(cli, 'package.json'))}).packages);
       ${attempts(dir)}
       console.log(JSON.stringify({ coverage, results, refused: refusedModules().map((file) => file.replace(${JSON.stringify(dir + '/')}, '')).sort() }));`,
      dir,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(out).toEqual({
      coverage: 'require and import',
      results: {
        require: 'ERR_PREMORTEM_MODULE_REFUSED',
        'require a package in its node_modules': 'ERR_PREMORTEM_MODULE_REFUSED',
        'import an ES module': 'ERR_PREMORTEM_MODULE_REFUSED',
        'import CommonJS': 'ERR_PREMORTEM_MODULE_REFUSED',
        'import a data: URL': 'ERR_PREMORTEM_MODULE_REFUSED',
        'compile by hand, as config loaders do': 'ERR_PREMORTEM_MODULE_REFUSED',
        'native addon': 'ERR_PREMORTEM_MODULE_REFUSED',
        'premortem itself (typescript)': 'loaded',
      },
      refused: ['addon.node', 'compiled-by-hand.cjs', 'config.cjs', 'config.mjs', 'data:text/javascript,export default 1', 'node_modules/planted/index.js'],
    });
  });

  it('refuses the same inside the permission model, where its hooks for import() need the worker the sandbox allows', () => {
    const dir = foreignCode();
    const program = installedProgram(path.join(cli, 'package.json'));
    const { status, out, stderr } = run(
      `import { refuseForeignModules } from ${JSON.stringify(core)};
       const coverage = refuseForeignModules(${JSON.stringify(program.packages)});
       ${attempts(dir)}
       console.log(JSON.stringify({ coverage, results }));`,
      dir,
      isolationFlags([dir, ...program.readable], {}),
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(out.coverage).toBe('require and import');
    expect(Object.entries(out.results as Record<string, string>).filter(([, outcome]) => outcome !== 'ERR_PREMORTEM_MODULE_REFUSED')).toEqual([['premortem itself (typescript)', 'loaded']]);
  });

  it('without it, the same attempts run the foreign code (the twin that shows the probe is real)', () => {
    const dir = foreignCode();
    const { out } = run(`${attempts(dir)}\nconsole.log(JSON.stringify({ results }));`, dir);
    expect(out.results).toMatchObject({
      require: 'loaded',
      'require a package in its node_modules': 'loaded',
      'import an ES module': 'loaded',
      'compile by hand, as config loaders do': 'loaded',
      'premortem itself (typescript)': 'loaded',
    });
  });
});

describe('installedProgram', () => {
  it("is premortem's packages and their dependencies, not the repository around them nor dev tools", () => {
    const { packages, readable } = installedProgram(path.join(cli, 'package.json'));
    const names = packages.map((dir) => path.relative(repoRoot, dir));
    expect(names).toEqual(expect.arrayContaining(['packages/core', 'packages/cli', 'rules', 'node_modules/typescript', 'node_modules/yaml', 'node_modules/zod']));
    expect(names.filter((name) => /vitest|eslint|fixtures|^test|^bot$/.test(name))).toEqual([]);
    expect(readable).toEqual(expect.arrayContaining([...packages, path.join(repoRoot, 'node_modules')]));
    expect(readable).not.toContain(repoRoot);
  });
});

describe("isolationFlags: Node's permission model as the analysis process runs under it", () => {
  it('reads only the given folders, writes nothing, starts no process, and its workers are held the same', () => {
    const allowed = mkdtempSync(path.join(work, 'allowed-'));
    const outside = mkdtempSync(path.join(work, 'outside-'));
    writeFileSync(path.join(allowed, 'inside.txt'), 'inside');
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    const { status, out, stderr } = run(
      `import { readFileSync, writeFileSync } from 'node:fs';
       import { execFileSync } from 'node:child_process';
       import { Worker } from 'node:worker_threads';
       const probe = (action) => { try { return String(action()); } catch (error) { return error.code ?? error.message; } };
       const result = {
         readInside: probe(() => readFileSync(${JSON.stringify(path.join(allowed, 'inside.txt'))}, 'utf8')),
         readOutside: probe(() => readFileSync(${JSON.stringify(path.join(outside, 'secret.txt'))}, 'utf8')),
         write: probe(() => writeFileSync(${JSON.stringify(path.join(allowed, 'written.txt'))}, 'x')),
         spawn: probe(() => execFileSync('true')),
       };
       const worker = new Worker(\`
         const { readFileSync } = require('node:fs');
         const probe = (action) => { try { return String(action()); } catch (error) { return error.code ?? error.message; } };
         require('node:worker_threads').parentPort.postMessage({
           readOutside: probe(() => readFileSync(${JSON.stringify(path.join(outside, 'secret.txt'))}, 'utf8')),
           spawn: probe(() => require('node:child_process').execFileSync('true')),
         });\`, { eval: true });
       worker.once('message', (inWorker) => console.log(JSON.stringify({ ...result, inWorker })));`,
      allowed,
      isolationFlags([allowed], {}),
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(out).toEqual({
      readInside: 'inside',
      readOutside: 'ERR_ACCESS_DENIED',
      write: 'ERR_ACCESS_DENIED',
      spawn: 'ERR_ACCESS_DENIED',
      inWorker: { readOutside: 'ERR_ACCESS_DENIED', spawn: 'ERR_ACCESS_DENIED' },
    });
  });
});
