import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot, DEFAULT_ANALYSIS_LIMITS } from '@premortem/bot';
import { repoRoot } from '../support/cli.js';
import { applyState, writeCalendarApp } from '../support/calendar-pull-request.js';
import { git } from '../support/git.js';
import { PLANTED_EXIT_CODE, PLANTED_FILES, plantConfigFiles, plantedFilesThatRan } from '../support/planted-repository.js';
import { pullFilesFromDirs, startGitHubDouble } from '../bot/support/github-double.js';
import { makeGithubTarball } from '../bot/support/make-tarball.js';
import { pullRequestPayload } from '../bot/support/webhooks.js';

// A repository with code planted in every place a tool looks for configuration: analyzing it,
// however premortem is run, must never run that code nor load it as a module.
const bin = path.join(repoRoot, 'packages/cli/bin/premortem.js');
const recorder = path.join(repoRoot, 'test/support/record-loaded-modules.mjs');
let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'premortem-planted-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fixture app (its dependencies linked, so types are exact) with every file planted, as a git repository whose base commit has them too. */
function plantedRepository(name: string): { dir: string; canary: string } {
  const dir = path.join(work, name);
  writeCalendarApp(dir, 'base');
  const canary = plantConfigFiles(dir);
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.planted-ran\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  applyState(dir, 'head');
  return { dir, canary };
}

/** The files a process loaded as code, as record-loaded-modules.mjs wrote them. */
function loadedInside(record: string, dir: string): string[] {
  const loaded = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : [];
  expect(loaded.length).toBeGreaterThan(50); // the recorder saw premortem's own modules
  return loaded.filter((file) => file.startsWith(dir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`));
}

describe('the planted files', () => {
  it('are code that runs when loaded: the canary and the exit code show it', () => {
    const dir = path.join(work, 'control');
    writeCalendarApp(dir, 'head', { linkDependencies: false });
    const canary = plantConfigFiles(dir);
    // One of each module kind, run as a tool would load it.
    for (const name of ['.prisma-astrc.cjs', 'premortem.config.mjs', 'babel.config.js']) {
      const result = spawnSync(process.execPath, [path.join(dir, name)], { cwd: dir });
      expect(result.status).toBe(PLANTED_EXIT_CODE);
    }
    expect(plantedFilesThatRan(canary)).toEqual(['.prisma-astrc.cjs', 'premortem.config.mjs', 'babel.config.js']);
    expect(PLANTED_FILES.length).toBeGreaterThan(25);
  });
});

describe('the premortem command in a planted repository', () => {
  const cases: Array<{ name: string; args: (dir: string) => string[]; status: number }> = [
    { name: 'check', args: () => ['check', '.', '--format', 'json'], status: 1 },
    { name: 'check --isolate (as the Action runs it)', args: () => ['check', '--isolate', '--format', 'github', '--sarif-file', path.join(work, 'out.sarif')], status: 1 },
    { name: 'queries', args: () => ['queries', '--format', 'json'], status: 0 },
    // baseline and review analyze through the same path as check; review also analyzes the base it exports.
    { name: 'review --base main --isolate', args: () => ['review', '--base', 'main', '--isolate'], status: 1 },
  ];

  it.each(cases.map((c, i) => ({ ...c, index: i })))('$name: runs nothing planted, loads no module from the repository', ({ args, status, index }) => {
    const { dir, canary } = plantedRepository(`cli-${index}`);
    const record = path.join(work, `loaded-${index}.txt`);
    const result = spawnSync(process.execPath, ['--import', recorder, bin, ...args(dir)], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', PREMORTEM_RECORD_MODULES: record, GITHUB_TOKEN: 'ghs_secret_token' },
      timeout: 120_000,
    });
    expect(result.stderr).not.toMatch(/refused|internal error/);
    expect(result.status).toBe(status);
    expect(plantedFilesThatRan(canary)).toEqual([]);
    expect(loadedInside(record, dir)).toEqual([]);
  });
});

describe('the Actions entry (review mode) in a planted workspace', () => {
  it('reviews the pull request, runs nothing planted, loads no module from the workspace', async () => {
    const { dir, canary } = plantedRepository('action');
    const baseDir = path.join(work, 'action-base');
    writeCalendarApp(baseDir, 'base', { linkDependencies: false });
    // The pull request's files, as GitHub lists them: the head without its installed dependencies.
    const headDir = path.join(work, 'action-head');
    writeCalendarApp(headDir, 'head', { linkDependencies: false });
    plantConfigFiles(headDir);
    const gh = await startGitHubDouble({ token: 'ghs_job_token' });
    try {
      const [base, head] = ['b'.repeat(40), 'c'.repeat(40)];
      gh.addTarball('acme', 'calendar', base, await makeGithubTarball(baseDir, 'acme-calendar-bbbbbbb'));
      gh.addPullRequest({ owner: 'acme', repo: 'calendar', number: 3, base: { ref: 'main', sha: base }, head: { ref: 'kbar', sha: head }, files: pullFilesFromDirs(baseDir, headDir) });
      const event = path.join(work, 'event.json');
      writeFileSync(event, JSON.stringify(pullRequestPayload({ owner: 'acme', repo: 'calendar', installationId: 1, number: 3, head: { ref: 'kbar', sha: head }, base: { ref: 'main', sha: base } })));
      const record = path.join(work, 'loaded-action.txt');
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', recorder, path.join(repoRoot, 'bot/dist/action.js')], {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            LOG_LEVEL: 'warn',
            PREMORTEM_RECORD_MODULES: record,
            GITHUB_TOKEN: 'ghs_job_token',
            GITHUB_API_URL: gh.url,
            GITHUB_EVENT_NAME: 'pull_request',
            GITHUB_EVENT_PATH: event,
            GITHUB_WORKSPACE: dir,
            RUNNER_TEMP: work,
          },
          stdio: 'ignore',
        });
        child.on('error', reject);
        child.on('close', resolve);
      });
      expect(code).toBe(0);
      expect(gh.problems).toEqual([]);
      expect(gh.state.checkRuns.map((run) => run.conclusion)).toEqual(['failure']);
      expect(plantedFilesThatRan(canary)).toEqual([]);
      expect(loadedInside(record, dir)).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});

describe("the bot's analysis process on a planted snapshot", () => {
  const secrets = { GITHUB_TOKEN: 'ghs_secret_token', PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x', WEBHOOK_SECRET: 'hush', APP_ID: '4242' };
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(secrets)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('analyzes it without running anything planted, from an environment with no credential', async () => {
    // A snapshot is a tarball's contents: no node_modules, no .git.
    const snapshot = path.join(work, 'snapshot');
    writeCalendarApp(snapshot, 'head', { linkDependencies: false });
    const canary = plantConfigFiles(snapshot);
    const environments: string[][] = [];
    const result = await analyzeSnapshot({ root: snapshot, withRules: true }, DEFAULT_ANALYSIS_LIMITS, new AbortController().signal, (pid) => {
      environments.push(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean));
    });
    expect(result.findings.map((finding) => finding.ruleId)).toContain('premortem/no-unbounded-query');
    expect(plantedFilesThatRan(canary)).toEqual([]);
    expect(environments).toHaveLength(1);
    const names = environments[0]!.map((entry) => entry.slice(0, entry.indexOf('=')));
    for (const secret of Object.keys(secrets)) expect(names).not.toContain(secret);
    expect(names.filter((name) => /TOKEN|KEY|SECRET|PASSWORD/i.test(name))).toEqual([]);
  });

  it('copies of the planted files stay inert in a second snapshot analyzed for its queries only', async () => {
    const snapshot = path.join(work, 'snapshot-base');
    cpSync(path.join(work, 'snapshot'), snapshot, { recursive: true });
    rmSync(path.join(snapshot, '.planted-ran'), { force: true });
    const result = await analyzeSnapshot({ root: snapshot, withRules: false }, DEFAULT_ANALYSIS_LIMITS, new AbortController().signal);
    expect(result.findings).toEqual([]);
    expect(result.queries.length).toBeGreaterThan(0);
    expect(plantedFilesThatRan(path.join(snapshot, '.planted-ran'))).toEqual([]);
  });
});
