import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProbotOctokit } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Superseded } from '@premortem/bot';
import { downloadSnapshot } from '../../bot/src/snapshot/download-snapshot.js';
import { startGitHubDouble, type GitHubDouble } from './support/github-double.js';
import { makeGithubTarball } from './support/make-tarball.js';

const SHA = 'd'.repeat(40);
const LIMITS = { maxFiles: 5000, maxBytes: 20e6, maxFileBytes: 1e6, timeoutMs: 10_000 };

// A download over loopback HTTP from the GitHub double, stopped the way a newer push stops it.
describe('downloading a snapshot', () => {
  let gh: GitHubDouble;
  let work: string;
  let octokit: ProbotOctokit;
  beforeAll(async () => {
    gh = await startGitHubDouble({ token: 'ghs_test' });
    octokit = new ProbotOctokit({ auth: { token: 'ghs_test' }, baseUrl: gh.url, retry: { enabled: false }, throttle: { enabled: false } });
    work = mkdtempSync(path.join(os.tmpdir(), 'premortem-download-'));
    const tree = path.join(work, 'tree');
    mkdirSync(path.join(tree, 'src'), { recursive: true });
    // Big enough that half of it leaves the extraction waiting for more.
    for (let i = 0; i < 400; i++) writeFileSync(path.join(tree, 'src', `file-${i}.ts`), `export const value${i} = ${JSON.stringify('x'.repeat(2000) + i)};\n`);
    gh.addTarball('acme', 'shop', SHA, await makeGithubTarball(tree, `acme-shop-${SHA.slice(0, 7)}`));
    mkdirSync(path.join(work, 'server', 'snapshots'), { recursive: true });
  });
  afterAll(async () => {
    await gh.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('stopped while the body stalls, rejects with the reason, leaves no folder and throws nothing where nobody listens', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.prependListener('uncaughtException', record);
    try {
      gh.failNext({ path: new RegExp(`^/_codeload/.*/${SHA}$`), effect: 'stall-body' });
      const controller = new AbortController();
      const download = downloadSnapshot(octokit, { owner: 'acme', repo: 'shop', ref: SHA }, path.join(work, 'server'), LIMITS, controller.signal);
      const settled = download.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      while (gh.hanging() === 0) await sleep(10);
      controller.abort(new Superseded('e'.repeat(40)));
      const outcome = await settled;
      // The fetched body is errored with the abort's reason a moment later: give it time to surface.
      await sleep(200);

      expect(outcome).toBeInstanceOf(Error);
      expect(readdirSync(path.join(work, 'server', 'snapshots'))).toEqual([]);
      expect(uncaught).toEqual([]);
    } finally {
      process.removeListener('uncaughtException', record);
    }
  });

  it('not stopped, extracts every file', async () => {
    const snapshot = await downloadSnapshot(octokit, { owner: 'acme', repo: 'shop', ref: SHA }, path.join(work, 'server'), LIMITS, new AbortController().signal);
    try {
      expect(snapshot.files).toBe(400);
      expect(readdirSync(path.join(snapshot.root, 'src'))).toHaveLength(400);
    } finally {
      snapshot.dispose();
    }
  });

  it('keeps a yarn.lock for hosted types, and leaves out one over the file limit rather than refusing the snapshot', async () => {
    const withLocks = path.join(work, 'with-locks');
    mkdirSync(path.join(withLocks, 'web'), { recursive: true });
    writeFileSync(path.join(withLocks, 'index.ts'), 'export {};\n');
    writeFileSync(path.join(withLocks, 'yarn.lock'), '# yarn lockfile v1\n');
    writeFileSync(path.join(withLocks, 'web', 'yarn.lock'), `# yarn lockfile v1\n${'#'.repeat(LIMITS.maxFileBytes)}\n`);
    writeFileSync(path.join(withLocks, 'web', 'Gemfile.lock'), 'not analyzed\n');
    const ref = 'e'.repeat(40);
    gh.addTarball('acme', 'shop', ref, await makeGithubTarball(withLocks, 'acme-shop-eeeeeee'));
    const snapshot = await downloadSnapshot(octokit, { owner: 'acme', repo: 'shop', ref }, path.join(work, 'server'), LIMITS, new AbortController().signal);
    try {
      expect(readdirSync(snapshot.root, { recursive: true }).map(String).sort()).toEqual(['index.ts', 'yarn.lock']);
    } finally {
      snapshot.dispose();
    }
  });
});
