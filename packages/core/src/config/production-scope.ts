/**
 * Folders that hold tests, mocks, fixtures, stories, benchmarks, seeds or one-off scripts. Each
 * name is also a plausible URL segment, so inside a Next.js `app/` or `pages/` tree it is a route
 * (`app/api/workflows/[id]/test/route.ts`, `app/api/scripts/telemetry/route.ts`): production.
 */
export const TEST_LIKE_FOLDERS: readonly string[] = [
  'test',
  'tests',
  'app-tests',
  'e2e-tests',
  'integration-tests',
  'e2e',
  'playwright',
  'cypress',
  'fixtures',
  'mocks',
  'mock',
  'test-utils',
  'test-helpers',
  'test-server',
  'mock-server',
  'scripts',
  'seed',
  'seeds',
  'seeders',
  'bench',
  'benchmark',
  'benchmarks',
  'storybook',
];

/**
 * What premortem leaves out of production scope unless a repository says otherwise: globs
 * relative to the repository root, in gitignore order (a later pattern wins; `!` brings files
 * back), matched with `dot: true`. The one list the CLI, the bot and the ESLint presets share.
 */
export const PRODUCTION_SCOPE_DEFAULTS: readonly string[] = [
  `**/{${TEST_LIKE_FOLDERS.join(',')}}/**`,
  `!**/{app,pages}/**/{${TEST_LIKE_FOLDERS.join(',')}}/**`,
  // A component in a `scripts/` folder renders a <script> (analytics, widgets) into pages.
  '!**/scripts/**/*.{tsx,jsx}',
  // The names below mean test code wherever they are, route trees included.
  '**/{__tests__,__test__,__mocks__,__mock__,__fixtures__,__snapshots__,.storybook}/**',
  '**/*.{test,spec,test-d,spec-d,cy,e2e,e2e-spec,bench,benchmark,stories,story,mock,mocks,fixture,fixtures,seed}.*',
  '**/{seed,test-utils,test-helpers,setupTests,setup-tests,test-setup}.*',
  '**/{jest,vitest}.{setup,workspace}.*',
  '**/{jest,vitest,playwright,cypress}*.config.*',
];
