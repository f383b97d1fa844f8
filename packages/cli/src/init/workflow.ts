import type { PackageManager } from './detect.js';

/** How the README references the Action. */
export const ACTION_REF = 'premortem/premortem@main';

interface Install {
  /** Steps before actions/setup-node (a package manager Node does not ship). */
  before: string[];
  /** setup-node's `cache`, when there is a lockfile to key it on. */
  cache: string | undefined;
  run: string;
}

/** The CI install: the lockfile's exact versions, and no install script of any dependency runs. */
export function ciInstall(packageManager: PackageManager): Install {
  const locked = packageManager.lockfile !== undefined;
  switch (packageManager.name) {
    case 'pnpm':
      return {
        // pnpm/action-setup takes the version from package.json `packageManager` when it is set.
        before: ['- uses: pnpm/action-setup@v4', ...(packageManager.pinned?.startsWith('pnpm@') ? [] : ['  with:', '    version: 10'])],
        cache: locked ? 'pnpm' : undefined,
        run: `pnpm install ${locked ? '--frozen-lockfile' : '--no-frozen-lockfile'} --ignore-scripts`,
      };
    case 'yarn':
      return { before: [], cache: locked ? 'yarn' : undefined, run: `yarn install ${locked ? '--frozen-lockfile ' : ''}--ignore-scripts` };
    case 'yarn-berry':
      return { before: ['- run: corepack enable'], cache: undefined, run: `yarn install ${locked ? '--immutable ' : ''}--mode=skip-build` };
    case 'bun':
      return { before: ['- uses: oven-sh/setup-bun@v2'], cache: undefined, run: `bun install ${locked ? '--frozen-lockfile ' : ''}--ignore-scripts` };
    case 'npm':
      return { before: [], cache: locked ? 'npm' : undefined, run: locked ? 'npm ci --ignore-scripts' : 'npm install --ignore-scripts --no-audit --no-fund' };
  }
}

/**
 * `.github/workflows/premortem.yml`: the Action on pull requests (findings on changed lines only)
 * and on pushes to the default branch (every finding, so code scanning has a baseline). The preset
 * is the config's, so it is set in one place.
 */
export function workflowYml(packageManager: PackageManager, defaultBranch: string): string {
  const install = ciInstall(packageManager);
  const steps = [
    '- uses: actions/checkout@v4',
    '  with:',
    '    fetch-depth: 0 # changed-since compares with the base branch',
    ...install.before,
    '- uses: actions/setup-node@v4',
    '  with:',
    '    node-version: 22',
    ...(install.cache ? [`    cache: ${install.cache}`] : []),
    '# Your dependencies give premortem exact types; no install script runs.',
    `- run: ${install.run}`,
    `- uses: ${ACTION_REF}`,
    '  with:',
    '    # On a pull request, only findings on the lines it changes; on a push, every finding.',
    "    changed-since: ${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}",
  ];
  return [
    '# Premortem: the code patterns behind real outages, as annotations on the pull request and in',
    '# code scanning. Written by `premortem init`; see https://github.com/premortem/premortem#in-ci-the-premortem-command',
    'name: premortem',
    '',
    'on:',
    '  pull_request:',
    '  push:',
    `    branches: [${JSON.stringify(defaultBranch)}]`,
    '',
    'permissions:',
    '  contents: read',
    '  security-events: write # upload the SARIF file to code scanning',
    '',
    'jobs:',
    '  premortem:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    ...steps.map((line) => `      ${line}`),
    '',
  ].join('\n');
}
