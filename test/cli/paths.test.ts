import { describe, expect, it } from 'vitest';
import { createProject, parseReport, runCli } from '../support/cli.js';

const FLOATING = 'async function save(): Promise<void> {}\nexport function run() {\n  save();\n}\n';

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
});
