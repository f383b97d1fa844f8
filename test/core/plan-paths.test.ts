import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { planProjects, type Plan } from '@premortem/core';
import { createProject } from '../support/cli.js';

const SOURCE = 'export const a = 1;\n';
const tsconfig = (include: string[]) => JSON.stringify({ compilerOptions: { strict: true, types: [] }, include });

const plan = (cwd: string, paths: string[] = []): Plan => planProjects({ ts, cwd, paths });
const analyzed = (result: Plan, cwd: string): string[] =>
  result.projects.flatMap((project) => project.filesToAnalyze.map((file) => path.relative(cwd, file))).sort();

describe('symbolic links under the analyzed folders', () => {
  it('analyzes a file reached by several links once, under its real path', () => {
    const dir = createProject({ 'tsconfig.json': tsconfig(['src']), 'src/a.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync('a.ts', path.join(dir, 'src/b.ts'));
    symlinkSync('.', path.join(dir, 'src/again'), 'dir'); // a loop: src/again/again/… is src
    const result = plan(dir);
    expect(analyzed(result, dir)).toEqual(['src/a.ts']);
    // TypeScript's `include` crossed the same links: its roots are real paths too, each once.
    expect(result.projects[0]!.rootNames.map((file) => path.relative(dir, file))).toEqual(['src/a.ts']);
    expect(result.notes).toEqual([]);
  });

  it('analyzes a linked source folder inside the paths once (the twin of a link that leads out)', () => {
    const dir = createProject({ 'tsconfig.json': tsconfig(['src', 'shared']), 'src/a.ts': SOURCE, 'shared/util.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync('../shared', path.join(dir, 'src/shared'), 'dir');
    const result = plan(dir);
    expect(analyzed(result, dir)).toEqual(['shared/util.ts', 'src/a.ts']);
    expect(result.notes).toEqual([]);
  });

  it('follows a link inside the given paths to a folder nothing else includes (the twin of a link that leads out)', () => {
    const dir = createProject({ 'tsconfig.json': tsconfig(['src']), 'src/a.ts': SOURCE, 'vendor/lib/x.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync('../vendor/lib', path.join(dir, 'src/lib'), 'dir');
    const result = plan(dir);
    expect(analyzed(result, dir)).toEqual(['src/a.ts', 'vendor/lib/x.ts']);
    expect(result.projects.flatMap((project) => project.rootNames).map((file) => path.relative(dir, file)).sort()).toEqual(['src/a.ts', 'vendor/lib/x.ts']);
    expect(result.notes).toEqual([]);
  });

  it('does not follow a link out of the given paths, and says which link once', () => {
    const outside = createProject({ 'secret.ts': SOURCE, 'lib/x.ts': SOURCE }, { withNodeTypes: false });
    const dir = createProject({ 'tsconfig.json': tsconfig(['src']), 'src/a.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync(path.join(outside, 'lib'), path.join(dir, 'src/lib'), 'dir');
    symlinkSync(path.join(outside, 'secret.ts'), path.join(dir, 'src/secret.ts'));
    const result = plan(dir);
    expect(analyzed(result, dir)).toEqual(['src/a.ts']);
    expect(result.projects.flatMap((project) => project.rootNames).filter((file) => file.startsWith(outside))).toEqual([]);
    expect(result.notes).toEqual([
      `2 symbolic links lead outside the analyzed folders and were not followed: src/lib → ${outside}/lib, src/secret.ts → ${outside}/secret.ts. To analyze what they point to, pass those paths to premortem too.`,
    ]);
  });

  it('follows the same link when its target is one of the given paths', () => {
    const outside = createProject({ 'lib/x.ts': SOURCE }, { withNodeTypes: false });
    const dir = createProject({ 'tsconfig.json': tsconfig(['src']), 'src/a.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync(path.join(outside, 'lib'), path.join(dir, 'src/lib'), 'dir');
    const result = plan(dir, ['.', path.join(outside, 'lib')]);
    expect(analyzed(result, dir)).toEqual([path.relative(dir, path.join(outside, 'lib/x.ts')), 'src/a.ts'].sort());
    expect(result.notes.join('\n')).not.toContain('symbolic link');
  });

  it('keeps the spelling of a project folder reached through a link, as macOS spells /private/var as /var', () => {
    const real = createProject({ 'tsconfig.json': tsconfig(['src']), 'src/a.ts': SOURCE, 'shared/util.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync('../shared', path.join(real, 'src/shared'), 'dir');
    const spelled = path.join(createProject({}, { withNodeTypes: false }), 'project');
    symlinkSync(real, spelled, 'dir');
    const result = plan(spelled);
    // Named under the folder as given (the bot and the tests make paths relative to it that way), each file once.
    expect(result.projects.flatMap((project) => project.filesToAnalyze)).toEqual([path.join(spelled, 'shared/util.ts'), path.join(spelled, 'src/a.ts')]);
    expect(result.projects.map((project) => project.tsconfigPath)).toEqual([path.join(spelled, 'tsconfig.json')]);
  });

  it('counts many skipped links instead of naming them all', () => {
    const outside = createProject({ 'x.ts': SOURCE }, { withNodeTypes: false });
    const dir = createProject({ 'src/a.ts': SOURCE }, { withNodeTypes: false });
    for (let i = 1; i <= 7; i++) symlinkSync(path.join(outside, 'x.ts'), path.join(dir, `src/x${i}.ts`));
    const notes = plan(dir).notes.filter((note) => note.includes('symbolic link'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^7 symbolic links lead outside the analyzed folders and were not followed: src\/x1\.ts → .*, src\/x5\.ts → [^,]* and 2 more\./);
  });
});

describe('tsconfig problems are said once', () => {
  it('names a non-JSON "extends" file once for all the tsconfigs that extend it, and says what to do', () => {
    const base = `// shared settings\nconst strict = true;\nmodule.exports = {\n  compilerOptions: { strict, target: 'es2022' },\n};\n`;
    const pkg = (name: string) => ({
      [`packages/${name}/tsconfig.json`]: JSON.stringify({ extends: '../../base.js', include: ['src'] }),
      [`packages/${name}/src/index.ts`]: SOURCE,
    });
    const dir = createProject({ 'base.js': base, ...pkg('api'), ...pkg('db'), ...pkg('web'), ...pkg('jobs') }, { withNodeTypes: false });
    const result = plan(dir);
    expect(result.notes).toEqual([
      `base.js (the "extends" of packages/api/tsconfig.json, packages/db/tsconfig.json, packages/jobs/tsconfig.json and 1 more) is not a JSON tsconfig ('{' expected at line 2, column 1), so its settings were ignored. Point "extends" at a .json tsconfig: premortem, like tsc, reads it as JSON and never runs it.`,
    ]);
    // Its files are still analyzed, each in its own tsconfig's Program.
    expect(result.projects.map((project) => path.relative(dir, project.tsconfigPath!)).sort()).toEqual(
      ['api', 'db', 'jobs', 'web'].map((name) => `packages/${name}/tsconfig.json`),
    );
  });

  it('keeps one note per problem of the tsconfig itself (the twin: a JSON base with an unknown option)', () => {
    const dir = createProject(
      {
        'base.json': JSON.stringify({ compilerOptions: { notAnOption: true } }),
        'a/tsconfig.json': JSON.stringify({ extends: '../base.json', include: ['.'] }),
        'b/tsconfig.json': JSON.stringify({ extends: '../base.json', include: ['.'] }),
        'a/x.ts': SOURCE,
        'b/y.ts': SOURCE,
      },
      { withNodeTypes: false },
    );
    expect(plan(dir).notes).toEqual([`base.json (the "extends" of a/tsconfig.json and b/tsconfig.json): Unknown compiler option 'notAnOption'.`]);
  });
});

describe('entries that are not readable files', () => {
  it('reports a dangling link and a FIFO named like sources, and never hands them to TypeScript', () => {
    const dir = createProject({ 'tsconfig.json': JSON.stringify({ compilerOptions: { types: [] }, include: ['src'], files: ['listed/pipe.ts'] }), 'src/a.ts': SOURCE }, { withNodeTypes: false });
    symlinkSync('gone.ts', path.join(dir, 'src/dangling.ts'));
    execFileSync('mkfifo', [path.join(dir, 'src/fifo.ts')]);
    mkdirSync(path.join(dir, 'listed'));
    execFileSync('mkfifo', [path.join(dir, 'listed/pipe.ts')]);
    const result = plan(dir);
    expect(result.unreadable.map(({ file, reason }) => `${path.relative(dir, file)}: ${reason}`).sort()).toEqual([
      'listed/pipe.ts: it is a FIFO (named pipe), not a file',
      'src/dangling.ts: it is a symbolic link to gone.ts, which does not exist',
      'src/fifo.ts: it is a FIFO (named pipe), not a file',
    ]);
    expect(analyzed(result, dir)).toEqual(['src/a.ts']);
    expect(result.projects.flatMap((project) => project.rootNames).map((file) => path.relative(dir, file))).toEqual(['src/a.ts']);
  });

  it('refuses a FIFO given as a path, as a bad argument', () => {
    const dir = createProject({ 'src/a.ts': SOURCE }, { withNodeTypes: false });
    execFileSync('mkfifo', [path.join(dir, 'pipe.ts')]);
    expect(() => plan(dir, ['pipe.ts'])).toThrow('pipe.ts: it is a FIFO (named pipe), not a file. Pass source files or folders.');
  });
});
