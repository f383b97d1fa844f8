import { execFileSync } from 'node:child_process';
import { chmodSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';

const FLOATING = 'async function save(): Promise<void> { throw new Error(); }\nexport function run() {\n  save();\n}\n';

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

describe('premortem check and files it cannot read', () => {
  it('reports each as premortem/read-error with what happened, and still analyzes the rest', () => {
    const dir = createProject({ 'tsconfig.json': strictTsconfig, 'src/a.ts': FLOATING, 'src/ok.ts': 'export const ok = 1;\n' });
    symlinkSync('gone.ts', path.join(dir, 'src/dangling.ts'));
    execFileSync('mkfifo', [path.join(dir, 'src/pipe.ts')]);
    // Over 2 GiB, sparse: Node refuses to read it, as TypeScript's read does (the only read error root cannot bypass).
    writeFileSync(path.join(dir, 'src/huge.ts'), '');
    truncateSync(path.join(dir, 'src/huge.ts'), 3 * 1024 ** 3);

    const result = runCli(['check', '--format', 'json'], dir);
    expect(result.status).toBe(1);
    const report = parseReport(result.stdout);
    const unreadable = report.findings.filter((f) => f.ruleId === 'premortem/read-error');
    expect(unreadable.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity}: ${f.message}`)).toEqual([
      'src/dangling.ts:1:1 error: This file could not be read (it is a symbolic link to gone.ts, which does not exist); no rule could check it. Make it readable, or list it under `ignore` in .github/premortem.yml.',
      'src/huge.ts:1:1 error: This file could not be read (File size (3221225472) is greater than 2 GiB); no rule could check it. Make it readable, or list it under `ignore` in .github/premortem.yml.',
      'src/pipe.ts:1:1 error: This file could not be read (it is a FIFO (named pipe), not a file); no rule could check it. Make it readable, or list it under `ignore` in .github/premortem.yml.',
    ]);
    expect(report.findings.filter((f) => f.ruleId !== 'premortem/read-error').map((f) => `${f.file}:${f.line}`)).toEqual(['src/a.ts:3']);
    expect(report.summary.files).toBe(2);
    // Before: "src/huge.ts is not part of its program and was skipped."
    expect(result.stderr).toBe('');
  });

  it('names the permission error of a file and a folder it may not read', () => {
    const dir = createProject({ 'tsconfig.json': strictTsconfig, 'src/a.ts': FLOATING, 'src/locked.ts': FLOATING, 'src/private/p.ts': FLOATING });
    chmodSync(path.join(dir, 'src/locked.ts'), 0o000);
    chmodSync(path.join(dir, 'src/private'), 0o000);
    // chmod 000 does not stop root; as root, run the CLI as `nobody`, to whom the project is otherwise open.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) for (const folder of [dir, path.join(dir, 'src')]) chmodSync(folder, 0o755);
    const result = runCli(['check', '--format', 'json'], dir, {}, asRoot ? { uid: 65534, gid: 65534 } : undefined);
    expect(result.status).toBe(1);
    expect(parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message.split(';')[0]}`)).toEqual([
      'src/a.ts:3 premortem/no-floating-promises: Promise from `save(…)` is neither awaited nor handled: if it rejects, the rejection is unhandled and Node exits. Await it, return it, or add `.catch()`.',
      'src/locked.ts:1 premortem/read-error: This file could not be read (EACCES: permission denied)',
    ]);
    expect(result.stderr).toBe('premortem: note: src/private could not be listed (EACCES: permission denied); the files in it were not analyzed.\n');
  });
});
