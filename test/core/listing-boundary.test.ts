import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { planProjects, resolveOptions, runAnalysis } from '@premortem/core';
import { rules } from '@premortem/rules';
import { createProject } from '../support/cli.js';
import { isInside, recordListings } from '../support/listed-folders.js';

// A tsconfig's `include` is the repository's to write; listing it must not walk the machine.
// The plain CLI keeps listing inside the repository (its git work tree, else the given folder).

const FLOATING = 'async function save(): Promise<void> { throw new Error(); }\nexport function run() {\n  save();\n}\n';
const rule = rules.find((candidate) => candidate.name === 'no-floating-promises')!;
const enabled = [{ rule, severity: rule.meta.severity, options: resolveOptions(rule.meta, undefined, undefined) }];
const ESCAPES = ['../../../../../../../../proc/**/*', '/etc/**/*'];
const outsideMachineTrees = (listed: readonly string[]) => listed.filter((folder) => isInside(folder, '/proc') || isInside(folder, '/etc'));

describe('listing for a tsconfig include, without a read boundary (the CLI)', () => {
  it('records the listings TypeScript makes itself (the recorder sees what it must)', () => {
    const dir = createProject({ 'src/a.ts': FLOATING }, { withNodeTypes: false });
    const { listed } = recordListings(() => ts.sys.readDirectory(dir, ['.ts'], undefined, ['**/*']));
    expect(listed).toContain(path.join(dir, 'src'));
  });

  it('lists nothing under /proc or /etc for an include that reaches there, and still analyzes the project', () => {
    const dir = createProject({ 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, types: [] }, include: ['src', ...ESCAPES] }), 'src/a.ts': FLOATING }, { withNodeTypes: false });
    const { result, listed } = recordListings(() => runAnalysis({ ts, cwd: dir, paths: ['.'], rules: enabled }));
    expect(outsideMachineTrees(listed)).toEqual([]);
    expect(listed.filter((folder) => !isInside(folder, dir))).toEqual([]);
    expect(result.findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`)).toEqual(['src/a.ts:3']);
    expect(result.notes).toEqual([
      'tsconfig.json: "include" reaches /etc and /proc, outside the repository, which were not listed. To analyze files there, pass their folder to premortem as a path.',
    ]);
  });

  it('does not list them through a referenced project either (the compiler parses references again)', () => {
    const dir = createProject(
      {
        'tsconfig.json': JSON.stringify({ files: [], references: [{ path: 'packages/api' }] }),
        'packages/api/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true, strict: true, types: [] }, include: ['src', ...ESCAPES], references: [{ path: '../db' }] }),
        'packages/api/src/a.ts': FLOATING,
        'packages/db/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true, types: [] }, include: ['src', '/etc/**/*'] }),
        'packages/db/src/b.ts': FLOATING,
      },
      { withNodeTypes: false },
    );
    const { result, listed } = recordListings(() => runAnalysis({ ts, cwd: dir, paths: ['.'], rules: enabled }));
    expect(outsideMachineTrees(listed)).toEqual([]);
    expect(result.findings.map((f) => path.relative(dir, f.file)).sort()).toEqual(['packages/api/src/a.ts', 'packages/db/src/b.ts']);
  });

  it('lists an include outside the tsconfig folder but inside the git work tree (the twin)', () => {
    const dir = createProject(
      { 'apps/web/tsconfig.json': JSON.stringify({ compilerOptions: { types: [] }, include: ['src', '../../shared/**/*'] }), 'apps/web/src/a.ts': FLOATING, 'shared/types.ts': 'export type Id = string;\n' },
      { withNodeTypes: false },
    );
    mkdirSync(path.join(dir, '.git'));
    const { result, listed } = recordListings(() => planProjects({ ts, cwd: path.join(dir, 'apps/web'), paths: [] }));
    expect(listed).toContain(path.join(dir, 'shared'));
    expect(result.projects[0]!.rootNames.map((file) => path.relative(dir, file)).sort()).toEqual(['apps/web/src/a.ts', 'shared/types.ts']);
    expect(result.notes).toEqual([]);
  });

  it('does not follow a link inside the repository to a folder outside it', () => {
    const dir = createProject({ 'tsconfig.json': JSON.stringify({ compilerOptions: { types: [] }, include: ['src/**/*'] }), 'src/a.ts': FLOATING }, { withNodeTypes: false });
    symlinkSync('/etc', path.join(dir, 'src/etc'), 'dir');
    const { result, listed } = recordListings(() => planProjects({ ts, cwd: dir, paths: [] }));
    expect(outsideMachineTrees(listed)).toEqual([]);
    expect(result.projects[0]!.rootNames.map((file) => path.relative(dir, file))).toEqual(['src/a.ts']);
    expect(result.notes).toEqual(['The symbolic link src/etc → /etc leads outside the analyzed folders and was not followed. To analyze what it points to, pass that path to premortem too.']);
  });
});
