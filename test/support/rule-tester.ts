import path from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
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
