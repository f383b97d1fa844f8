import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { highPrecisionKinds, ruleId } from '@premortem/core';
import plugin from '@premortem/eslint-plugin';
import { rules as definitions } from '@premortem/rules';
// Files on disk, linted from disk: what ESLint sees is what the type checker reads.
const fixtureDir = path.join(import.meta.dirname, '../../fixtures/eslint-front');

function eslintWith(parserOptions: Record<string, unknown> | undefined, preset: 'recommended' | 'strict' = 'strict', rules: Record<string, unknown> = {}) {
  return new ESLint({
    cwd: fixtureDir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, ...(parserOptions ? { parserOptions } : {}) } },
      plugin.configs[preset],
      ...(Object.keys(rules).length > 0 ? [{ files: ['**/*.ts'], rules: rules as never }] : []),
    ],
  });
}

// With CI=true, typescript-eslint assumes one lint per process and gives a file parsed a second
// time an isolated Program without types: these tests lint the same file more than once.
const typed = { project: './tsconfig.json', tsconfigRootDir: fixtureDir, disallowAutomaticSingleRunInference: true };

describe('the ESLint plugin', () => {
  it('stops with a clear configuration error when a later config replaces the parser and gives no type information', async () => {
    const eslint = new ESLint({
      cwd: fixtureDir,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.strict, { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }],
    });
    await expect(eslint.lintFiles(['floating.ts'])).rejects.toThrow(/requires type information, but don't have parserOptions set to generate type information/);
  });

  it('reports with suggestions that ESLint can apply', async () => {
    const [result] = await eslintWith(typed, 'strict', { 'premortem/no-floating-promises': ['error', { ignoreVoid: true }] }).lintFiles(['floating.ts']);
    expect(result?.messages).toHaveLength(1);
    const message = result!.messages[0]!;
    expect(message).toMatchObject({ ruleId: 'premortem/no-floating-promises', line: 3, column: 3, messageId: 'floating' });
    expect(message.suggestions?.map((s) => s.desc)).toEqual(['Add `await`.', 'Add `.catch()` that logs the error.', 'Mark as deliberately ignored with `void`.']);
  });

  it('ships flat-config presets named after themselves: recommended with the kinds measured as high precision, strict with every kind', () => {
    expect(plugin.configs.recommended.name).toBe('premortem/recommended');
    expect(plugin.configs.recommended.files).toEqual(['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts']);
    const recommended = Object.fromEntries(
      definitions.flatMap((definition) => {
        const kinds = highPrecisionKinds(definition.meta);
        return kinds.length > 0 ? [[ruleId(definition), ['error', { kinds }]]] : [];
      }),
    );
    expect(plugin.configs.recommended.rules).toEqual(recommended);
    expect(Object.keys(plugin.configs.strict.rules ?? {})).toEqual(definitions.map(ruleId));
    expect(plugin.configs.strict.rules).toMatchObject({ 'premortem/no-floating-promises': ['error', { ignoreVoid: false }], 'premortem/no-unbounded-query': 'error' });
    expect(plugin.configs.strict.plugins?.premortem).toBe(plugin);
  });

  it('reports only the kinds the kinds option lists, and refuses a kind the rule does not have', async () => {
    const only = (kinds: string[]) => eslintWith(typed, 'strict', { 'premortem/no-floating-promises': ['error', { kinds }] }).lintFiles(['floating.ts']);
    expect((await only(['floating']))[0]?.messages.map((m) => m.messageId)).toEqual(['floating']);
    expect((await only(['floatingVoid']))[0]?.messages).toEqual([]);
    await expect(only(['suggestAwait'])).rejects.toThrow(/premortem\/no-floating-promises/);
  });

  it('applies the strict preset: void in server code is reported', async () => {
    const eslint = eslintWith(typed, 'strict');
    const [result] = await eslint.lintFiles(['voided.ts']);
    expect(result?.messages.map((m) => m.messageId)).toEqual(['floatingVoid']);
  });
});
