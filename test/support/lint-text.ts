import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '@premortem/eslint-plugin';
import { ruleFixtureDir } from './rule-tester.js';

const linter = new Linter({ cwd: ruleFixtureDir });

/**
 * `line:messageId` of each finding one premortem rule reports on `code`, linted as `file`
 * (file.ts, react.tsx or client.tsx) of test/rules/fixture in its typed Program. For cases
 * where RuleTester's exact-suggestion checks would only add noise.
 */
export function findingsOf(rule: string, code: string, options: object = {}, file = 'file.ts'): string[] {
  const config: Linter.Config = {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      // A second parse of the same file under CI=true would otherwise get an untyped Program.
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: ruleFixtureDir, disallowAutomaticSingleRunInference: true },
    },
    plugins: { premortem: plugin },
    rules: { [`premortem/${rule}`]: ['error', options] },
  };
  return linter.verify(code, config, path.join(ruleFixtureDir, file)).map((m) => `${m.line}:${m.messageId ?? m.message}`);
}
