import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { clearCaches } from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';
import { beforeEach, describe, expect, it } from 'vitest';
import plugin from '@premortem/eslint-plugin';
import { createProject } from '../support/cli.js';

// Reported only with types: `save()` returns a promise, `log()` does not. Without type
// information the rule cannot tell them apart and typescript-eslint stops the lint.
const SOURCE = 'declare function save(): Promise<void>;\ndeclare function log(): void;\nexport async function handle() {\n  save();\n  log();\n}\n';
const TSCONFIG = JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', types: [] }, include: ['src'] });

/** A fresh project per lint: with CI=true, typescript-eslint gives a file parsed twice in one process no types. */
function project(extra: Record<string, string> = {}): string {
  return createProject({ 'tsconfig.json': TSCONFIG, 'src/server.ts': SOURCE, ...extra }, { withNodeTypes: false, everyRule: false });
}

async function lint(dir: string, config: Linter.Config[], files = ['.']): Promise<string[]> {
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
  const results = await eslint.lintFiles(files);
  return results.flatMap((result) => result.messages.map((m) => `${path.relative(dir, result.filePath)}:${m.line} ${m.ruleId ?? 'fatal'} ${m.messageId ?? m.message}`));
}

describe('the presets on their own', () => {
  // typescript-eslint keeps one project service per process, made with the first lint's settings;
  // each test here starts as a new ESLint process would.
  beforeEach(() => clearCaches());

  it('lint a typed project with one line of config: typescript-eslint’s parser, types from each file’s tsconfig', async () => {
    const dir = project({ 'src/server.test.ts': SOURCE });
    // The test file is out of the preset's scope: nothing else lints it, so it is skipped, not misparsed.
    expect(await lint(dir, [plugin.configs.recommended])).toEqual(['src/server.ts:4 premortem/no-floating-promises floating']);
  });

  it('keep a config’s `project`, before or after the preset: no clash with the project service, and its types are used', async () => {
    const withProject = (dir: string, parser?: Linter.Parser): Linter.Config => ({
      files: ['**/*.ts'],
      languageOptions: { ...(parser ? { parser } : {}), parserOptions: { project: './tsconfig.json', tsconfigRootDir: dir } },
    });
    const first = project();
    expect(await lint(first, [withProject(first, tseslint.parser), plugin.configs.strict])).toEqual(['src/server.ts:4 premortem/no-floating-promises floating']);
    const second = project();
    expect(await lint(second, [plugin.configs.strict, withProject(second)])).toEqual(['src/server.ts:4 premortem/no-floating-promises floating']);
  });

  it('keep a config’s own project service settings, in either order', async () => {
    // A file no tsconfig includes: only `allowDefaultProject` gives it types.
    const loose = { 'loose.ts': SOURCE };
    const settings = (dir: string): Linter.Config => ({ languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.ts'] }, tsconfigRootDir: dir } } });
    const first = project(loose);
    expect(await lint(first, [settings(first), plugin.configs.recommended], ['loose.ts'])).toEqual(['loose.ts:4 premortem/no-floating-promises floating']);
    const second = project(loose);
    expect(await lint(second, [plugin.configs.recommended, settings(second)], ['loose.ts'])).toEqual(['loose.ts:4 premortem/no-floating-promises floating']);
    // Its twin: the preset's own project service has no default project, and says so.
    const third = project(loose);
    expect(await lint(third, [plugin.configs.recommended], ['loose.ts'])).toEqual([expect.stringMatching(/^loose\.ts:undefined fatal Parsing error: .* was not found by the project service/)]);
  });
});
