import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { inScopeFor, loadConfig, PRODUCTION_SCOPE_DEFAULTS, scopePatterns, TEST_LIKE_FOLDERS, type PremortemConfig } from '@premortem/core';
import { createProject, repoRoot } from '../support/cli.js';
import { IN_SCOPE, OUT_OF_SCOPE } from '../support/scope-paths.js';

const root = createProject({}, { withNodeTypes: false });
const inScope = (config: PremortemConfig, file: string) => inScopeFor(config, root)(path.join(root, file));
const scoped = (config: PremortemConfig, files: readonly string[]) => files.filter((file) => inScope(config, file));

describe('the default production scope', () => {
  it('leaves tests, e2e, mocks, fixtures, stories, benchmarks, seeds, scripts and test set-up out', () => {
    expect(scoped({}, OUT_OF_SCOPE)).toEqual([]);
  });

  it('keeps production files whose names only look like tests: near misses, routes, <script> components', () => {
    expect(scoped({}, IN_SCOPE)).toEqual(IN_SCOPE);
  });

  it('is listed in the README, folder by folder', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Production scope.**'), readme.indexOf('### Prisma query costs'));
    const folders = [...TEST_LIKE_FOLDERS, ...PRODUCTION_SCOPE_DEFAULTS.flatMap((glob) => /^\*\*\/\{(__\w+__.*)\}\/\*\*$/.exec(glob)?.[1]?.split(',') ?? [])];
    expect(folders).toContain('__tests__');
    expect(folders.filter((folder) => !section.includes(`\`${folder}\``))).toEqual([]);
  });

  it('is one ordered list, and `scope.defaults: false` drops it', () => {
    expect(scopePatterns({})).toEqual(PRODUCTION_SCOPE_DEFAULTS);
    expect(scopePatterns({ scope: { defaults: false } })).toEqual([]);
    expect(scoped({ scope: { defaults: false } }, OUT_OF_SCOPE)).toEqual(OUT_OF_SCOPE);
  });
});

describe('a configured scope', () => {
  it('`exclude` leaves more files out, `include` brings files back past the defaults and `exclude`', () => {
    const config: PremortemConfig = { scope: { exclude: ['legacy/**', 'src/lib/*.ts'], include: ['scripts/**', 'src/lib/retry.ts'] } };
    expect(inScope(config, 'legacy/old.ts')).toBe(false);
    expect(inScope(config, 'src/lib/contest.ts')).toBe(false);
    expect(inScope(config, 'src/lib/retry.ts')).toBe(true);
    expect(inScope(config, 'scripts/backfill.ts')).toBe(true);
    // Only what `include` names comes back.
    expect(inScope(config, 'apps/web/scripts/migrate-users.ts')).toBe(false);
    expect(inScope(config, 'src/lib/retry.test.ts')).toBe(false);
  });

  it('`ignore` still silences its files, and no `include` overrides it', () => {
    const config: PremortemConfig = { ignore: ['legacy/**'], scope: { include: ['legacy/**'] } };
    expect(inScope(config, 'legacy/old.ts')).toBe(false);
    expect(inScope(config, 'src/jobs.ts')).toBe(true);
  });

  it('matches a file outside the root by its path below the folder they share', () => {
    const outside = path.join(path.dirname(root), 'shared-lib');
    expect(inScopeFor({}, root)(path.join(outside, 'src/retry.ts'))).toBe(true);
    expect(inScopeFor({}, root)(path.join(outside, 'src/retry.test.ts'))).toBe(false);
  });
});

describe("premortem's own repository", () => {
  // Each fixture and corpus, seen as its own repository (as the bot would see it): the labelled
  // files the defaults would leave out. This repository's .github/premortem.yml brings them back.
  const fixtures = ['fixtures/calendar-app', ...globSync('fixtures/corpus/*', { cwd: repoRoot, onlyDirectories: true }).map((dir) => dir.replace(/\/$/, ''))];
  const outOfScopeInFixtures = fixtures.flatMap((fixture) => {
    const sources = globSync('**/*.{ts,tsx,mts,cts}', { cwd: path.join(repoRoot, fixture), ignore: ['**/node_modules/**'] });
    const keeps = inScopeFor({}, path.join(repoRoot, fixture));
    return sources.filter((file) => !keeps(path.join(repoRoot, fixture, file))).map((file) => `${fixture}/${file}`);
  });

  it('has labelled fixture files in test-like places, which the defaults alone would leave out', () => {
    expect(outOfScopeInFixtures.sort()).toEqual([
      'fixtures/calendar-app/scripts/backfill-timezones.ts',
      'fixtures/calendar-app/scripts/backfill.ts',
      'fixtures/corpus/no-floating-promises-real-types/src/scripts/backfill-profiles.ts',
      'fixtures/corpus/no-floating-promises-real-types/src/scripts/migrate.ts',
      'fixtures/corpus/no-floating-promises-real-types/src/tests/cache.test.ts',
      'fixtures/corpus/no-floating-promises-real-types/src/tests/e2e/projects.e2e.ts',
      'fixtures/corpus/no-floating-promises/src/__tests__/billing-service.spec.ts',
      'fixtures/corpus/no-floating-promises/src/cli/seed.ts',
      'fixtures/corpus/prisma-rules/src/scripts/backfill-tags.ts',
      'fixtures/corpus/prisma-rules/src/scripts/seed-preview.ts',
    ]);
  });

  it('brings every fixture file back in scope in its config, so corpora and the demo keep their labels', () => {
    const { config } = loadConfig(repoRoot);
    const keeps = inScopeFor(config, repoRoot);
    expect(outOfScopeInFixtures.filter((file) => !keeps(path.join(repoRoot, file)))).toEqual([]);
    // Without it, the repository root's `fixtures/` folder would take every fixture out.
    expect(inScopeFor({}, repoRoot)(path.join(repoRoot, 'fixtures/calendar-app/src/lib/calendar/sync.ts'))).toBe(false);
  });
});
