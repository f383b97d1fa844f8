import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';

const FLOATING = 'async function save(): Promise<void> {}\nexport function run() {\n  save();\n}\n';

describe('premortem check and symbolic links', () => {
  it('reports a file reached by several links once, and stays inside the given folder', () => {
    const outside = createProject({ 'secret.ts': FLOATING }, { withNodeTypes: false });
    const dir = createProject({ 'tsconfig.json': strictTsconfig, 'src/a.ts': FLOATING });
    symlinkSync('a.ts', path.join(dir, 'src/b.ts'));
    symlinkSync('.', path.join(dir, 'src/again'), 'dir');
    symlinkSync(outside, path.join(dir, 'src/out'), 'dir');
    symlinkSync(path.join(outside, 'secret.ts'), path.join(dir, 'src/secret.ts'));

    const result = runCli(['check', '--format', 'json'], dir);
    const findings = parseReport(result.stdout).findings;
    // Before: src/a.ts, src/b.ts, src/again/a.ts, src/again/b.ts, src/out/secret.ts… each with its own fingerprint.
    expect(findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/a.ts:3']);
    expect(result.stderr).toBe(
      `premortem: note: 2 symbolic links lead outside the analyzed folders and were not followed: src/out → ${outside}, src/secret.ts → ${outside}/secret.ts. To analyze what they point to, pass those paths to premortem too.\n`,
    );
  });

  it('analyzes what a link points to when that folder is given too, under its real path relative to the cwd', () => {
    const outside = createProject({ 'secret.ts': FLOATING }, { withNodeTypes: false });
    const dir = createProject({ 'tsconfig.json': strictTsconfig, 'src/a.ts': FLOATING });
    symlinkSync(outside, path.join(dir, 'src/out'), 'dir');
    const result = runCli(['check', '.', outside, '--format', 'json'], dir);
    const files = parseReport(result.stdout).findings.map((f) => f.file);
    expect(files.sort()).toEqual([path.relative(dir, path.join(outside, 'secret.ts')), 'src/a.ts'].sort());
    expect(result.stderr).not.toContain('symbolic link');
  });
});

describe('premortem check and tsconfig problems', () => {
  it('says a non-JSON "extends" once, naming the file and what to do', () => {
    const files: Record<string, string> = { 'base.js': 'module.exports = { compilerOptions: { strict: true } };\n' };
    for (const name of ['api', 'db', 'web']) {
      files[`packages/${name}/tsconfig.json`] = JSON.stringify({ extends: '../../base.js', include: ['src'] });
      files[`packages/${name}/src/index.ts`] = FLOATING;
    }
    const dir = createProject(files, { withNodeTypes: false });
    const result = runCli(['check', '--format', 'json'], dir);
    expect(result.stderr).toBe(
      `premortem: note: base.js (the "extends" of packages/api/tsconfig.json, packages/db/tsconfig.json and packages/web/tsconfig.json) is not a JSON tsconfig ('{' expected at line 1, column 1), so its settings were ignored. Point "extends" at a .json tsconfig: premortem, like tsc, reads it as JSON and never runs it.\n`,
    );
    expect(parseReport(result.stdout).findings).toHaveLength(3);
  });

  it('says an include that reaches /proc was not listed, and analyzes the project', () => {
    const dir = createProject({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, types: ['node'] }, include: ['src', '../../../../../../../../proc/**/*'] }),
      'src/a.ts': FLOATING,
    });
    const result = runCli(['check', '--format', 'json'], dir);
    expect(result.stderr).toBe(
      'premortem: note: tsconfig.json: "include" reaches /proc, outside the repository, which was not listed. To analyze files there, pass their folder to premortem as a path.\n',
    );
    expect(parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/a.ts:3']);
  });
});
