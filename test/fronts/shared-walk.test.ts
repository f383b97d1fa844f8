import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import type ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { defineRule } from '@premortem/core';
import { toEslintRule } from '../../packages/eslint-plugin/src/to-eslint-rule.js';

const fixtureDir = path.join(import.meta.dirname, '../../fixtures/eslint-front');
const noOptions = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaultOptions: {} } as const;

/** A rule that counts the files it was created for and reports every call it visits. */
function callReporter(name: string, created: string[]) {
  return defineRule<'call', object>({
    name,
    meta: { description: 'test', type: 'problem', recommended: 'recommended', severity: 'error', requiresTypeChecking: true, hasSuggestions: false, messages: { call: `${name} saw a call` }, ...noOptions },
    create(context) {
      created.push(context.sourceFile.fileName);
      return { [context.ts.SyntaxKind.CallExpression]: (node: ts.Node) => context.report({ node, messageId: 'call' }) };
    },
  });
}

const broken = defineRule<'never', object>({
  name: 'broken',
  meta: { description: 'test', type: 'problem', recommended: 'recommended', severity: 'error', requiresTypeChecking: true, hasSuggestions: false, messages: { never: 'never' }, ...noOptions },
  create(context) {
    return {
      [context.ts.SyntaxKind.CallExpression]: () => {
        throw new Error('detector bug');
      },
    };
  },
});

function eslintWith(rules: Record<string, ReturnType<typeof toEslintRule>>) {
  return new ESLint({
    cwd: fixtureDir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        // With CI=true, typescript-eslint would give a file's second parse an untyped Program.
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: { project: './tsconfig.json', tsconfigRootDir: fixtureDir, disallowAutomaticSingleRunInference: true },
        },
        plugins: { t: { rules } as unknown as ESLint.Plugin },
        rules: Object.fromEntries(Object.keys(rules).map((id) => [`t/${id}`, 'error'])),
      },
    ],
  });
}

describe('the ESLint front walks each file once for all its premortem rules', () => {
  it('gives every rule its own reports from the one walk, and walks again on the next pass', async () => {
    const created: string[] = [];
    const eslint = eslintWith({ first: toEslintRule(callReporter('first', created)), second: toEslintRule(callReporter('second', created)) });
    const [result] = await eslint.lintFiles(['floating.ts']);
    expect(result?.messages.map((m) => [m.ruleId, m.line, m.message])).toEqual([
      ['t/first', 3, 'first saw a call'],
      ['t/second', 3, 'second saw a call'],
    ]);
    // A second lint of the same file is a new pass: it must report again, not find the walk done.
    const [again] = await eslint.lintFiles(['floating.ts']);
    expect(again?.messages).toHaveLength(2);
    expect(created.filter((file) => file.endsWith('floating.ts'))).toHaveLength(4);
  });

  it("names the rule that threw, not the one whose visitor ran the walk", async () => {
    const created: string[] = [];
    const eslint = eslintWith({ healthy: toEslintRule(callReporter('healthy', created)), broken: toEslintRule(broken) });
    await expect(eslint.lintFiles(['floating.ts'])).rejects.toThrow(/detector bug[\s\S]*Rule: "t\/broken"/);
    expect(created).toHaveLength(1);
  });
});
