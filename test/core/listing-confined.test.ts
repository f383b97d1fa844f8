import path from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { confineReads, resolveOptions, runAnalysis } from '@premortem/core';
import { rules } from '@premortem/rules';
import { createProject } from '../support/cli.js';
import { isInside, recordListings } from '../support/listed-folders.js';

// The bot confines reads to the snapshot; listing must stay inside too, in every host TypeScript
// is given: tsconfig parsing, and the compiler's (module resolution, project references).
// A file of its own: confineReads holds for the rest of the process.

const FLOATING = 'async function save(): Promise<void> { throw new Error(); }\nexport function run() {\n  save();\n}\n';
const ESCAPES = ['../../../../../../../../proc/**/*', '/etc/**/*'];

it('lists nothing outside the snapshot and TypeScript\'s lib folder, and still analyzes the snapshot', () => {
  const dir = createProject(
    {
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: 'packages/api' }] }),
      'packages/api/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true, strict: true }, include: ['src', ...ESCAPES], references: [{ path: '../db' }] }),
      'packages/api/src/a.ts': FLOATING,
      'packages/db/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true }, include: ['src', ...ESCAPES] }),
      'packages/db/src/b.ts': FLOATING,
    },
    { withNodeTypes: false },
  );
  const libFolder = path.dirname(ts.getDefaultLibFilePath({}));
  confineReads([dir, libFolder]);
  const rule = rules.find((candidate) => candidate.name === 'no-floating-promises')!;
  const { result, listed } = recordListings(() =>
    runAnalysis({ ts, cwd: dir, paths: ['.'], rules: [{ rule, severity: rule.meta.severity, options: resolveOptions(rule.meta, undefined, undefined) }] }),
  );
  expect(listed.filter((folder) => !isInside(folder, dir) && !isInside(folder, libFolder))).toEqual([]);
  expect(listed).toContain(path.join(dir, 'packages/api/src'));
  expect(result.findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`).sort()).toEqual(['packages/api/src/a.ts:3', 'packages/db/src/b.ts:3']);
  expect(result.notes).toEqual([
    'packages/api/tsconfig.json: "include" reaches /etc and /proc, outside the repository, which were not listed.',
    'packages/db/tsconfig.json: "include" reaches /etc and /proc, outside the repository, which were not listed.',
  ]);
});
