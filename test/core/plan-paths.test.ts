import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { planProjects, type Plan } from '@premortem/core';
import { createProject } from '../support/cli.js';

const SOURCE = 'export const a = 1;\n';

const plan = (cwd: string, paths: string[] = []): Plan => planProjects({ ts, cwd, paths });

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
