import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { applyRuleSettings, loadConfig } from '@premortem/core';
import { rules } from '@premortem/rules';
import { createProject, repoRoot, runCli, strictTsconfig } from '../support/cli.js';

// `premortem init` on copies made outside this repository, so that neither our .git nor our own
// eslint.config.js is above them: each copy is its own repository root.
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-init-'));
  made.push(dir);
  return dir;
}

/** A copy of a fixture without its node_modules (and whatever else `skip` names, relative, POSIX). */
function copyFixture(name: string, skip: readonly string[] = []): string {
  const fixture = path.join(repoRoot, 'fixtures', name);
  const dir = tempDir();
  cpSync(fixture, dir, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(fixture, source).split(path.sep).join('/');
      return !relative.split('/').includes('node_modules') && !skip.includes(relative);
    },
  });
  return dir;
}

/** A throwaway project of exactly these files: no premortem config, no node_modules. */
function project(files: Record<string, string>): string {
  return createProject(files, { withNodeTypes: false, everyRule: false });
}

/** Every file's bytes and modification time, node_modules aside: what a second run must leave alone. */
function snapshot(dir: string): Map<string, { text: string; mtimeMs: number }> {
  const files = new Map<string, { text: string; mtimeMs: number }>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) files.set(path.relative(dir, file), { text: readFileSync(file, 'utf8'), mtimeMs: statSync(file).mtimeMs });
    }
  };
  walk(dir);
  return files;
}

const init = (dir: string, ...args: string[]) => runCli(['init', ...args], dir);
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

function syntaxErrors(file: string, text: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(text, { fileName: file, reportDiagnostics: true });
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** Runs ESLint on `files` in a copy whose node_modules is ours: the written config, loaded by ESLint itself. */
function eslint(dir: string, files: string[]): { status: number | null; messages: string[]; stderr: string } {
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...files], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const report = result.status === 2 ? [] : (JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; line: number }[] }[]);
  return {
    status: result.status,
    stderr: result.stderr,
    messages: report.flatMap((file) => file.messages.map((message) => `${path.relative(dir, file.filePath)}:${message.line} ${message.ruleId ?? ''}`)),
  };
}

const UNCHANGED = 'unchanged (already set up)';

describe('premortem init on the calendar app', () => {
  it('writes the ESLint config, .github/premortem.yml and the workflow; a second run changes nothing', () => {
    const dir = copyFixture('calendar-app', ['.github']);
    const first = init(dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('eslint.config.js: created');
    expect(first.stdout).toContain('.github/premortem.yml: created');
    expect(first.stdout).toContain('.github/workflows/premortem.yml: created');
    // The app's package.json says `"type": "module"`, so the config is eslint.config.js; it has a lockfile, so npm ci.
    expect(first.stdout).toMatch(/package manager +npm \(package-lock\.json\)/);
    expect(first.stdout).toContain('npm install --save-dev @premortem/eslint-plugin premortem typescript-eslint eslint\n');

    const eslintConfig = read(dir, 'eslint.config.js');
    expect(syntaxErrors('eslint.config.js', eslintConfig)).toEqual([]);
    expect(eslintConfig).toContain("import premortem from '@premortem/eslint-plugin';");
    expect(eslintConfig).toContain('parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }');
    expect(eslintConfig).toContain('premortem.configs.recommended,');

    // Only keys the config has; where the schema is (found through prisma.config.ts, read as text) is a comment.
    const { config, file } = loadConfig(dir);
    expect(file).toBe(path.join(dir, '.github/premortem.yml'));
    expect(config).toEqual({ preset: 'recommended' });
    expect(read(dir, '.github/premortem.yml')).toContain('# Prisma schema: prisma/schema.prisma (found by `schema` in prisma.config.ts, read as text');

    const workflow = parseYaml(read(dir, '.github/workflows/premortem.yml')) as {
      permissions: Record<string, string>;
      jobs: { premortem: { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] } };
    };
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
    const steps = workflow.jobs.premortem.steps;
    expect(steps.find((step) => step.uses === 'actions/checkout@v4')?.with).toEqual({ 'fetch-depth': 0 });
    expect(steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts']);
    const action = steps.at(-1);
    expect(action?.uses).toBe('premortem/premortem@main');
    expect(action?.with?.['changed-since']).toBe("${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}");

    const before = snapshot(dir);
    const second = init(dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`eslint.config.js: ${UNCHANGED}`);
    expect(second.stdout).toContain(`.github/premortem.yml: ${UNCHANGED}`);
    expect(second.stdout).toContain(`.github/workflows/premortem.yml: ${UNCHANGED}`);
    expect(second.stdout).toContain('Already set up: nothing written.');
    expect(snapshot(dir)).toEqual(before);
  });

  it('never overwrites an existing .github/premortem.yml, and takes its preset', () => {
    const dir = copyFixture('calendar-app');
    const original = read(dir, '.github/premortem.yml');
    expect(original).toContain('preset: strict');
    const result = init(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`.github/premortem.yml: ${UNCHANGED}`);
    expect(read(dir, '.github/premortem.yml')).toBe(original);
    expect(read(dir, 'eslint.config.js')).toContain('premortem.configs.strict,');
    // Asked for another preset, it still keeps the file, and says so.
    const again = init(dir, '--preset', 'recommended');
    expect(again.stdout).toContain('.github/premortem.yml says `preset: strict` and was left as it is');
    expect(read(dir, '.github/premortem.yml')).toBe(original);
  });

  it('--dry-run prints what it would write and writes nothing', () => {
    const dir = copyFixture('calendar-app', ['.github']);
    const before = snapshot(dir);
    const result = init(dir, '--dry-run');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('eslint.config.js: would be created');
    expect(result.stdout).toContain('--- .github/premortem.yml ---\n');
    expect(result.stdout).toContain('preset: recommended');
    expect(result.stdout).toContain('- uses: premortem/premortem@main');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('premortem init on a pnpm monorepo with a flat config of its own', () => {
  it('adds premortem to its eslint.config.mjs, finds the schema in a package and a shell the defaults miss; a second run changes nothing', () => {
    const dir = copyFixture('init-monorepo');
    const original = read(dir, 'eslint.config.mjs');
    const first = init(dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('eslint.config.mjs: updated');
    expect(first.stdout).toContain('.github/premortem.yml: created');
    expect(first.stdout).toContain('.github/workflows/premortem.yml: created');
    expect(first.stdout).toMatch(/package manager +pnpm \(pnpm-lock\.yaml\)/);
    // eslint and typescript are already there; pnpm adds to a workspace root with -w.
    expect(first.stdout).toContain('pnpm add -D -w @premortem/eslint-plugin premortem typescript-eslint\n');

    const merged = read(dir, 'eslint.config.mjs');
    expect(syntaxErrors('eslint.config.mjs', merged)).toEqual([]);
    // Every line of the original is still there, in order, and premortem comes after the team's entries.
    const mergedLines = merged.split('\n');
    const positions = original.split('\n').map((line, index, lines) => mergedLines.indexOf(line, index === 0 ? 0 : mergedLines.indexOf(lines[index - 1]!)));
    expect(positions.every((position, index) => position >= 0 && (index === 0 || position > positions[index - 1]!))).toBe(true);
    expect(merged).toContain("import tseslint from 'typescript-eslint';\nimport premortem from '@premortem/eslint-plugin';\n");
    expect(merged.indexOf('premortem.configs.recommended,')).toBeGreaterThan(merged.indexOf("eqeqeq: 'error'"));
    expect(merged).toContain('projectService: true');

    const yml = read(dir, '.github/premortem.yml');
    expect(yml).toContain('# Prisma schema: packages/db/prisma/schema.prisma (found by the shallowest schema in the repository');
    // The shell rule is not in recommended: its setting is offered as a comment, not switched on.
    expect(yml).toContain('apps/web/src/components/MainShell.tsx');
    expect(yml).toContain("#         - '**/MainShell.tsx'");
    expect(loadConfig(dir).config).toEqual({ preset: 'recommended' });

    const workflow = read(dir, '.github/workflows/premortem.yml');
    expect(workflow).toContain('- uses: pnpm/action-setup@v4\n');
    expect(workflow).toContain('- run: pnpm install --frozen-lockfile --ignore-scripts\n');

    const before = snapshot(dir);
    const second = init(dir);
    expect(second.status).toBe(0);
    expect(second.stdout.match(new RegExp(UNCHANGED.replace(/[()]/g, '\\$&'), 'g'))).toHaveLength(3);
    expect(snapshot(dir)).toEqual(before);

    // ESLint itself loads the merged config: the team's rule and premortem's both report.
    const lint = eslint(dir, ['packages/db/src/index.ts', 'apps/web/src/app/page.tsx']);
    expect(lint.stderr).toBe('');
    expect(lint.messages).toEqual(['packages/db/src/index.ts:7 premortem/no-floating-promises']);
  });

  it('with --preset strict, writes the shells as the rule option, valid for the CLI and for ESLint', () => {
    const dir = copyFixture('init-monorepo');
    expect(init(dir, '--preset', 'strict').status).toBe(0);
    const { config, file } = loadConfig(dir);
    const shells = ['**/{Shell,AppShell,app-shell,shell}.{tsx,jsx}', '**/MainShell.tsx'];
    expect(config).toEqual({ preset: 'strict', rules: { 'no-fetch-on-every-page': { options: { shells } } } });
    const enabled = applyRuleSettings([], rules, config, file);
    expect(enabled.find((entry) => entry.rule.name === 'no-fetch-on-every-page')?.options).toMatchObject({ shells });
    expect(read(dir, 'eslint.config.mjs')).toContain(`'premortem/no-fetch-on-every-page': ['error', { shells: ['${shells[0]}', '${shells[1]}'] }]`);
    // ESLint validates rule options against the rule's schema: a wrong one is a configuration error (exit 2).
    const lint = eslint(dir, ['apps/web/src/app/page.tsx']);
    expect([lint.status, lint.stderr]).toEqual([0, '']);
  });
});

describe('premortem init adds to the usual shapes of flat config', () => {
  it.each([
    [
      "tseslint.config(…) with typescript-eslint's type-checked rules",
      'eslint.config.js',
      [
        "import eslint from '@eslint/js';",
        "import tseslint from 'typescript-eslint';",
        '',
        'export default tseslint.config(',
        '  eslint.configs.recommended,',
        '  ...tseslint.configs.recommendedTypeChecked,',
        '  {',
        '    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },',
        '  },',
        ');',
        '',
      ],
      [
        "import eslint from '@eslint/js';",
        "import tseslint from 'typescript-eslint';",
        "import premortem from '@premortem/eslint-plugin';",
        '',
        'export default tseslint.config(',
        '  eslint.configs.recommended,',
        '  ...tseslint.configs.recommendedTypeChecked,',
        '  {',
        '    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },',
        '  },',
        // Its own parserOptions stay the only ones; both presets' dropped promises are reported once.
        '  premortem.configs.recommended,',
        "  // typescript-eslint's type-checked rules report dropped promises; premortem leaves those to them.",
        "  premortem.configs['alongside-typescript-eslint'],",
        ');',
        '',
      ],
    ],
    [
      'defineConfig([…]) on one line, through a const, in TypeScript',
      'eslint.config.ts',
      ["import { defineConfig } from 'eslint/config';", '', "const config = defineConfig([{ rules: { eqeqeq: 'error' } }]);", '', 'export default config;', ''],
      [
        "import { defineConfig } from 'eslint/config';",
        "import tseslint from 'typescript-eslint';",
        "import premortem from '@premortem/eslint-plugin';",
        '',
        "const config = defineConfig([{ rules: { eqeqeq: 'error' } },",
        '  {',
        "    files: ['**/*.{ts,tsx,mts,cts}'],",
        '    languageOptions: {',
        '      parser: tseslint.parser,',
        '      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },',
        '    },',
        '  },',
        '  premortem.configs.recommended,',
        ']);',
        '',
        'export default config;',
        '',
      ],
    ],
  ])('%s', (_shape, name, before, after) => {
    const dir = project({ 'package.json': '{ "name": "app", "type": "module" }\n', [name]: before.join('\n') });
    const first = init(dir);
    expect(first.stdout).toContain(`${name}: updated`);
    expect(read(dir, name)).toBe(after.join('\n'));
    expect(init(dir).stdout).toContain(`${name}: ${UNCHANGED}`);
    expect(read(dir, name)).toBe(after.join('\n'));
  });
});

describe('premortem init with an ESLint config it cannot edit safely', () => {
  const base = { 'package.json': '{ "name": "app", "private": true }\n', 'tsconfig.json': strictTsconfig, 'src/index.ts': 'export const one = 1;\n' };

  it.each([
    ['CommonJS from a function of its own', "module.exports = require('./base')({ strict: true });\n"],
    ['a default export computed by a call', "import { makeConfig } from './eslint/make-config.js';\n\nexport default makeConfig(import.meta.dirname);\n"],
    ['a `config` helper that is not typescript-eslint\'s', "import tools from './eslint/tools.js';\n\nexport default tools.config({ rules: { eqeqeq: 'error' } });\n"],
    ['a file that does not parse', 'export default [\n  { rules: { eqeqeq: "error" } ,\n'],
  ])('prints what to add and leaves it byte for byte: %s', (_shape, text) => {
    const dir = project({ ...base, 'eslint.config.js': text });
    const result = init(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('eslint.config.js: printed (could not merge safely)');
    expect(result.stdout).toContain("  import premortem from '@premortem/eslint-plugin';");
    expect(result.stdout).toContain('  premortem.configs.recommended,');
    expect(read(dir, 'eslint.config.js')).toBe(text);
    // The other files do not wait for it.
    expect(result.stdout).toContain('.github/premortem.yml: created');
  });

  it('prints instead of editing a config that is a symbolic link to a shared one', () => {
    const shared = project({ 'eslint.config.js': 'export default [];\n' });
    const dir = project(base);
    symlinkSync(path.join(shared, 'eslint.config.js'), path.join(dir, 'eslint.config.js'));
    const result = init(dir);
    expect(result.stdout).toContain('eslint.config.js: printed (could not merge safely)');
    expect(result.stdout).toContain('it is a symbolic link');
    expect(read(shared, 'eslint.config.js')).toBe('export default [];\n');
  });

  it('never runs the config, and only ever reads prisma.config.ts as text', () => {
    const plant = (name: string) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran-${name}', import.meta.url), 'ran');\n`;
    const dir = project({
      ...base,
      'eslint.config.js': `${plant('eslint-config')}export default [];\n`,
      'prisma.config.ts': `${plant('prisma-config')}export default { schema: 'db/schema.prisma' };\n`,
      'db/schema.prisma': 'model User {\n  id Int @id\n}\n',
    });
    expect(init(dir, '--dry-run').status).toBe(0);
    const result = init(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Prisma schema +db\/schema\.prisma \(found by `schema` in prisma\.config\.ts, read as text\)/);
    expect(result.stdout).toContain('eslint.config.js: updated');
    expect(readdirSync(dir).filter((name) => name.startsWith('ran-'))).toEqual([]);
    expect(existsSync(path.join(dir, 'ran-eslint-config'))).toBe(false);
  });

  it('prints the flat config for a project still on .eslintrc, rather than writing one that would replace it', () => {
    const dir = project({ ...base, '.eslintrc.json': '{ "root": true }\n' });
    const result = init(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('printed (could not merge safely)');
    expect(result.stdout).toMatch(/configured by \.eslintrc\.json/);
    expect(readdirSync(dir).filter((name) => name.startsWith('eslint.config'))).toEqual([]);
  });

  it('names a supported TypeScript in the install line: `typescript` alone is TypeScript 7', () => {
    const result = init(project(base));
    expect(result.stdout).toContain('npm install --save-dev @premortem/eslint-plugin premortem typescript-eslint eslint typescript@~6.0\n');
  });
});

describe('premortem init, other cases', () => {
  it('leaves the workflows alone when one already runs premortem', () => {
    const dir = project({
      'package.json': '{ "name": "app", "type": "module" }\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: premortem/premortem@main\n',
    });
    const result = init(dir);
    expect(result.stdout).toContain(`.github/workflows/ci.yml: ${UNCHANGED}`);
    expect(existsSync(path.join(dir, '.github/workflows/premortem.yml'))).toBe(false);
  });

  it('exits 2 with a message for a folder that does not exist', () => {
    const dir = project({ 'file.txt': 'not a folder\n' });
    for (const target of ['missing', 'file.txt']) {
      const result = init(dir, target);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`premortem: ${target}: no such folder. Run premortem init in a project, or pass its folder.\n`);
    }
    expect(readdirSync(dir)).toEqual(['file.txt']);
  });
});
