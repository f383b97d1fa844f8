import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { writeCalendarApp } from '../support/calendar-pull-request.js';
import { pullFilesFromDirs, startGitHubDouble, type GitHubDouble } from './support/github-double.js';
import { makeGithubTarball } from './support/make-tarball.js';
import { pullRequestPayload } from './support/webhooks.js';

const entry = path.join(repoRoot, 'bot/dist/action.js');

function runAction(env: Record<string, string>, onStart: (child: ChildProcess) => void = () => {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    onStart(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

// The GitHub Actions entry as a workflow step runs it: the event file, the job's token, and the
// head checked out in the workspace with its dependencies (types exact).
describe('the Actions entry', () => {
  let gh: GitHubDouble;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'premortem-action-'));
    const [base, head, workspace] = [path.join(work, 'base'), path.join(work, 'head'), path.join(work, 'workspace')];
    writeCalendarApp(base, 'base', { linkDependencies: false });
    writeCalendarApp(head, 'head', { linkDependencies: false });
    writeCalendarApp(workspace, 'head');
    gh = await startGitHubDouble({ token: 'ghs_job_token' });
    gh.addTarball('acme', 'calendar', 'b'.repeat(40), await makeGithubTarball(base, 'acme-calendar-bbbbbbb'));
    gh.addPullRequest({ owner: 'acme', repo: 'calendar', number: 3, base: { ref: 'main', sha: 'b'.repeat(40) }, head: { ref: 'kbar', sha: 'c'.repeat(40) }, files: pullFilesFromDirs(base, head) });
  });
  afterAll(async () => {
    await gh.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('reviews the pull request of the event with the job token, never downloading the head', async () => {
    const event = path.join(work, 'event.json');
    writeFileSync(event, JSON.stringify(pullRequestPayload({ owner: 'acme', repo: 'calendar', installationId: 1, number: 3, head: { ref: 'kbar', sha: 'c'.repeat(40) }, base: { ref: 'main', sha: 'b'.repeat(40) } })));
    const result = await runAction({
      GITHUB_TOKEN: 'ghs_job_token',
      GITHUB_API_URL: gh.url,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_WORKSPACE: path.join(work, 'workspace'),
      RUNNER_TEMP: work,
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(gh.problems).toEqual([]);
    expect(gh.state.reviews.map((review) => review.comments.map((c) => `${c.path}:${c.line}`))).toEqual([['app/layout.tsx:17', 'src/server/routers/bookings.ts:34']]);
    expect(gh.state.checkRuns.map((run) => [run.head_sha, run.conclusion])).toEqual([['c'.repeat(40), 'failure']]);
    expect(gh.requests.filter((request) => request.path.includes('/tarball/')).map((request) => request.path)).toEqual([`/repos/acme/calendar/tarball/${'b'.repeat(40)}`]);
  });

  it('on a cancelled workflow run (SIGTERM mid-analysis), completes its check as cancelled rather than leave it in progress', async () => {
    const head = 'd'.repeat(40);
    gh.addPullRequest({ owner: 'acme', repo: 'calendar', number: 4, base: { ref: 'main', sha: 'b'.repeat(40) }, head: { ref: 'kbar-2', sha: head }, files: pullFilesFromDirs(path.join(work, 'base'), path.join(work, 'head')) });
    const event = path.join(work, 'event-4.json');
    writeFileSync(event, JSON.stringify(pullRequestPayload({ owner: 'acme', repo: 'calendar', installationId: 1, number: 4, head: { ref: 'kbar-2', sha: head }, base: { ref: 'main', sha: 'b'.repeat(40) } })));
    const result = await runAction(
      { GITHUB_TOKEN: 'ghs_job_token', GITHUB_API_URL: gh.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_WORKSPACE: path.join(work, 'workspace'), RUNNER_TEMP: work },
      (child) => {
        const poll = setInterval(() => {
          if (!gh.state.checkRuns.some((run) => run.head_sha === head && run.status === 'in_progress')) return;
          clearInterval(poll);
          child.kill('SIGTERM');
        }, 20);
        child.once('exit', () => clearInterval(poll));
      },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(gh.state.checkRuns.filter((run) => run.head_sha === head).map((run) => [run.status, run.conclusion, run.output.title])).toEqual([
      ['completed', 'cancelled', 'Stopped before the analysis finished'],
    ]);
    expect(gh.state.reviews.filter((review) => review.pull_number === 4)).toEqual([]);
    expect(gh.problems).toEqual([]);
  });

  it('outside Actions, says which variables are missing', async () => {
    const result = await runAction({});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('premortem: GITHUB_TOKEN, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_WORKSPACE not set.');
  });
});
