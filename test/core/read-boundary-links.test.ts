import { realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, expect, it } from 'vitest';
import { confineReads, planProjects } from '@premortem/core';
import { createProject } from '../support/cli.js';

// Reads confined to a project given through a linked spelling of its folder (the bot's snapshot
// in macOS's /var): links inside are followed, a link out is not. A file of its own: confineReads
// holds for the rest of the process.

const SOURCE = 'export const a = 1;\n';

it('follows a link inside a project confined under a linked spelling of its folder, and skips one that leads out', () => {
  const outside = createProject({ 'lib/x.ts': SOURCE }, { withNodeTypes: false });
  const real = createProject(
    { 'tsconfig.json': JSON.stringify({ compilerOptions: { types: [] }, include: ['src'] }), 'src/a.ts': SOURCE, 'shared/util.ts': SOURCE },
    { withNodeTypes: false },
  );
  symlinkSync('../shared', path.join(real, 'src/shared'), 'dir');
  symlinkSync(path.join(outside, 'lib'), path.join(real, 'src/lib'), 'dir');
  // The project as macOS names a temp folder: through a link (/var → /private/var).
  const spelled = path.join(realpathSync(os.tmpdir()), `premortem-spelled-${process.pid}`);
  symlinkSync(real, spelled, 'dir');
  afterAll(() => rmSync(spelled, { force: true }));
  confineReads([spelled]);

  const plan = planProjects({ ts, cwd: spelled, paths: [] });
  const analyzed = plan.projects.flatMap((project) => project.filesToAnalyze).map((file) => path.relative(spelled, file));
  expect(analyzed.sort()).toEqual(['shared/util.ts', 'src/a.ts']);
  expect(plan.projects.flatMap((project) => project.rootNames).filter((file) => file.includes('lib/x.ts'))).toEqual([]);
  expect(plan.notes.join('\n')).toContain('src/lib');
});
