import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { globSync } from 'tinyglobby';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { rules as definitions } from '@premortem/rules';
import plugin from '@premortem/eslint-plugin';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

const fixtureDir = path.join(repoRoot, 'fixtures/calendar-app');
const implemented = new Set(definitions.map((rule) => rule.name));

/** `file:line rule` for every `// premortem-expect: <rule>` marker of a rule that exists today. */
function fixtureMarkers(files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(path.join(fixtureDir, file), 'utf8')
      .split('\n')
      .flatMap((text, index) => {
        const rule = /\/\/ premortem-expect: ([\w-]+)/.exec(text)?.[1];
        return rule && implemented.has(rule) ? [`${file}:${index + 1} premortem/${rule}`] : [];
      }),
  );
}

describe('fixtures/calendar-app', () => {
  const cli = runCli(['check', '.', '--preset', 'strict', '--format', 'json'], fixtureDir);
  const report = parseReport(cli.stdout);
  const cliFindings = report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort();

  it('the CLI reports exactly the planted hazards, and none of their fixed twins', () => {
    expect(cli.status).toBe(1);
    const analyzed = [...new Set(report.findings.map((f) => f.file))];
    const markers = fixtureMarkers(listSources(fixtureDir));
    expect(markers.length).toBeGreaterThan(5);
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort()).toEqual(markers.sort());
    expect(analyzed.every((file) => !file.startsWith('src/generated/'))).toBe(true);
  });

  it('the ESLint plugin, configured as a user would, reports the same findings as the CLI', async () => {
    expect(await lintWithEslint(fixtureDir, ['src/generated/**'])).toEqual(cliFindings);
  });
});

describe('fixtures/corpus/no-floating-promises', () => {
  it('the ESLint plugin and the CLI report the same findings', async () => {
    const dir = path.join(repoRoot, 'fixtures/corpus/no-floating-promises');
    const cli = parseReport(runCli(['check', '.', '--preset', 'strict', '--format', 'json'], dir).stdout)
      .findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)
      .sort();
    expect(cli.length).toBeGreaterThan(80);
    expect(await lintWithEslint(dir, [])).toEqual(cli);
  });
});

describe.each([
  ['fetch-rules', ['no-fetch-on-every-page', 'no-fetch-in-render'], 25],
  ['retry-rate-limit', ['no-unbounded-retry', 'require-rate-limit'], 30],
])('fixtures/corpus/%s', (name, rules, minimum) => {
  it('the ESLint plugin in the editor and the CLI report the same findings', async () => {
    const dir = path.join(repoRoot, 'fixtures/corpus', name);
    const cli = parseReport(runCli(['check', '.', '--preset', 'strict', '--format', 'json'], dir).stdout)
      .findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)
      .sort();
    for (const rule of rules) expect(cli.filter((f) => f.endsWith(`premortem/${rule}`)).length, rule).toBeGreaterThan(minimum);
    expect(await lintWithEslint(dir, [])).toEqual(cli);
  });
});

/** Lints a folder as a user's eslint.config.js would: typescript-eslint's parser, our preset, the repository's scope. */
async function lintWithEslint(dir: string, ignores: string[]): Promise<string[]> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      { ignores },
      {
        files: ['**/*.{ts,tsx,mts,cts}'],
        languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
      },
      plugin.configs.strict,
      // As this repository's .github/premortem.yml does for the CLI: every fixture file is in
      // scope, its scripts and test folders included (test/core/production-scope.test.ts).
      { files: ['**/*.{ts,tsx,mts,cts}'], plugins: plugin.configs.strict.plugins, rules: plugin.configs.strict.rules },
    ],
  });
  const results = await eslint.lintFiles(['.']);
  expect(results.flatMap((r) => r.messages.filter((m) => m.fatal))).toEqual([]);
  return results
    .flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`))
    .sort();
}

/** The fixture's own source files: not generated, not dependencies. */
function listSources(dir: string): string[] {
  return globSync('**/*.{ts,tsx,mts,cts}', { cwd: dir, ignore: ['**/node_modules/**', 'src/generated/**'] });
}
