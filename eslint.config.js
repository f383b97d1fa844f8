// Lints this repository's own code: typescript-eslint's type-checked recommendations, and our own rules.
import tseslint from 'typescript-eslint';
import premortem from '@premortem/eslint-plugin';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'fixtures/**', 'test/rules/fixture/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'vitest.config.ts', 'packages/cli/bin/*.js'], defaultProject: 'test/tsconfig.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  premortem.configs.recommended,
  // The benchmarks are scripts over loosely typed database rows; they are run, not shipped.
  { files: ['scripts/bench-*.mjs'], ...tseslint.configs.disableTypeChecked },
  // The pack-and-install check reads npm's and ESLint's JSON output, untyped; it is run, not shipped.
  { files: ['scripts/pack-and-install.mjs'], ...tseslint.configs.disableTypeChecked },
  // `npm run bench`: plain scripts that generate projects and time other tools.
  { files: ['bench/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
