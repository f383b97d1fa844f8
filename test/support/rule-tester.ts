import path from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import { rules } from '@premortem/eslint-plugin';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;

export const ruleFixtureDir = path.resolve(import.meta.dirname, '../rules/fixture');

/** A typed RuleTester over test/rules/fixture: real Programs, with @types/node. */
export function createTypedRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        project: './tsconfig.json',
        tsconfigRootDir: ruleFixtureDir,
      },
    },
  });
}

/** A premortem rule as typescript-eslint's RuleTester types it (the plugin exports ESLint's type). */
export function eslintRule(name: string): TSESLint.RuleModule<string, [object]> {
  const rule = rules[name];
  if (!rule) throw new Error(`no premortem rule named ${name}`);
  return rule as unknown as TSESLint.RuleModule<string, [object]>;
}
