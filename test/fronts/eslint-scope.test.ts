import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { inScopeFor, PRODUCTION_SCOPE_DEFAULTS } from '@premortem/core';
import plugin from '@premortem/eslint-plugin';
import { createProject } from '../support/cli.js';
import { IN_SCOPE, OUT_OF_SCOPE } from '../support/scope-paths.js';

const FLOATING = 'export async function task(): Promise<void> { throw new Error(); }\ntask();\n';
const typed = (dir: string): Linter.Config => ({
  files: ['**/*.{ts,tsx,mts,cts}'],
  // With CI=true, typescript-eslint assumes one lint per process and gives a file parsed a second
  // time an isolated Program without types: the test below lints the same files twice.
  languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: dir, disallowAutomaticSingleRunInference: true } },
});

describe('the ESLint presets', () => {
  it('carry the CLI’s default scope as their `ignores`', () => {
    expect(plugin.configs.recommended.ignores).toEqual(PRODUCTION_SCOPE_DEFAULTS);
    expect(plugin.configs.strict.ignores).toEqual(PRODUCTION_SCOPE_DEFAULTS);
  });

  it('turn premortem rules on exactly where the CLI reports (ESLint’s minimatch agrees with picomatch)', async () => {
    const dir = createProject({}, { withNodeTypes: false });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [plugin.configs.strict] });
    const cli = inScopeFor({}, dir);
    const disagreements: string[] = [];
    for (const file of [...OUT_OF_SCOPE, ...IN_SCOPE]) {
      const config = (await eslint.calculateConfigForFile(path.join(dir, file))) as Linter.Config | undefined;
      const eslintChecks = config?.rules?.['premortem/no-floating-promises'] !== undefined;
      if (eslintChecks !== cli(path.join(dir, file))) disagreements.push(`${file}: ESLint ${eslintChecks ? 'checks' : 'skips'} it`);
    }
    expect(disagreements).toEqual([]);
  });

  it('report nothing in test and script files; a config object of the user’s own brings some back', async () => {
    const dir = createProject(
      {
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', types: [] } }),
        'src/jobs.ts': FLOATING,
        'src/jobs.test.ts': FLOATING,
        'scripts/backfill.ts': FLOATING,
      },
      { withNodeTypes: false },
    );
    const lint = async (extra: Linter.Config[]) => {
      const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [typed(dir), plugin.configs.strict, ...extra] });
      const results = await eslint.lintFiles(['.']);
      return results.filter((r) => r.messages.length > 0).map((r) => `${path.relative(dir, r.filePath)} ${r.messages.map((m) => m.ruleId).join(',')}`);
    };
    expect(await lint([])).toEqual(['src/jobs.ts premortem/no-floating-promises']);
    // As the README shows: the preset's rules, on the files the repository wants back in scope.
    const scripts: Linter.Config = { files: ['scripts/**/*.ts'], plugins: plugin.configs.strict.plugins, rules: plugin.configs.strict.rules };
    expect(await lint([scripts])).toEqual(['scripts/backfill.ts premortem/no-floating-promises', 'src/jobs.ts premortem/no-floating-promises']);
  });
});
