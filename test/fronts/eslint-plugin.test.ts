import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '@premortem/eslint-plugin';
// Files on disk, linted from disk: what ESLint sees is what the type checker reads.
const fixtureDir = path.join(import.meta.dirname, '../../fixtures/eslint-front');

function eslintWith(parserOptions: Record<string, unknown> | undefined, preset: 'recommended' | 'strict' = 'recommended') {
  return new ESLint({
    cwd: fixtureDir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, ...(parserOptions ? { parserOptions } : {}) } },
      plugin.configs[preset],
    ],
  });
}

describe('the ESLint plugin', () => {
  it('stops with a clear configuration error when there is no type information', async () => {
    await expect(eslintWith(undefined).lintFiles(['floating.ts'])).rejects.toThrow(
      /requires type information, but don't have parserOptions set to generate type information/,
    );
  });

  it('reports with suggestions that ESLint can apply', async () => {
    const [result] = await eslintWith({ project: './tsconfig.json', tsconfigRootDir: fixtureDir }).lintFiles(['floating.ts']);
    expect(result?.messages).toHaveLength(1);
    const message = result!.messages[0]!;
    expect(message).toMatchObject({ ruleId: 'premortem/no-floating-promises', line: 3, column: 3, messageId: 'floating' });
    expect(message.suggestions?.map((s) => s.desc)).toEqual(['Add `await`.', 'Add `.catch()` that logs the error.', 'Mark as deliberately ignored with `void`.']);
  });

  it('ships flat-config presets named after themselves, with strict options only where they differ', () => {
    expect(plugin.configs.recommended.name).toBe('premortem/recommended');
    expect(plugin.configs.recommended.files).toEqual(['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts']);
    expect(plugin.configs.recommended.rules).toEqual({
      'premortem/no-floating-promises': 'error',
      'premortem/no-unbounded-query': 'error',
      'premortem/no-query-in-loop': 'error',
      'premortem/no-fetch-in-render': 'error',
      'premortem/no-fetch-on-every-page': 'error',
      'premortem/require-rate-limit': 'error',
      'premortem/no-unbounded-retry': 'error',
    });
    expect(plugin.configs.strict.rules).toMatchObject({ 'premortem/no-floating-promises': ['error', { ignoreVoid: false }] });
    expect(plugin.configs.strict.plugins?.premortem).toBe(plugin);
  });

  it('applies the strict preset: void in server code is reported', async () => {
    const eslint = eslintWith({ project: './tsconfig.json', tsconfigRootDir: fixtureDir }, 'strict');
    const [result] = await eslint.lintFiles(['voided.ts']);
    expect(result?.messages.map((m) => m.messageId)).toEqual(['floatingVoid']);
  });
});
