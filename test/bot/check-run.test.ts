import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbotOctokit } from 'probot';
import { completeCheckRun, DEFAULT_SETTINGS, startCheckRun, type ReviewContext } from '@premortem/bot';
import type { CheckAnnotation } from '@premortem/core';
import { startGitHubDouble, type GitHubDouble } from './support/github-double.js';

// The check run's lifecycle against the GitHub double, over loopback HTTP.
describe('check runs', () => {
  let gh: GitHubDouble;
  let context: ReviewContext;
  beforeAll(async () => {
    gh = await startGitHubDouble({ token: 'ghs_test' });
    const octokit = new ProbotOctokit({ auth: { token: 'ghs_test' }, baseUrl: gh.url, retry: { enabled: false }, throttle: { enabled: false } });
    const log = { info() {}, warn() {}, error() {} };
    context = {
      octokit,
      target: { owner: 'acme', repo: 'shop', pullNumber: 1, headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40), htmlUrl: 'https://github.com/acme/shop' },
      settings: { ...DEFAULT_SETTINGS, maxAnnotations: 120, identity: { login: gh.botLogin, appSlug: 'premortem' }, resumesAfterShutdown: true },
      log,
      signal: new AbortController().signal,
    };
  });
  afterAll(() => gh.close());

  it('sends annotations 50 at a time, caps them, and concludes with the last batch', async () => {
    const start = await startCheckRun(context, false);
    if (!('id' in start)) throw new Error(`expected a new check run, got: ${start.skip}`);
    const annotations: CheckAnnotation[] = Array.from({ length: 130 }, (_, i) => ({
      path: 'src/a.ts',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'warning',
      title: 'premortem/no-floating-promises',
      message: `finding ${i}`,
    }));
    await completeCheckRun(context, start.id, { conclusion: 'neutral', title: '130 warnings', summary: 'summary', annotations });

    const updates = gh.requestsFor('checks/update').map((request) => request.body as { annotations?: unknown[]; conclusion?: string; output: { annotations?: unknown[] } });
    expect(updates.map((body) => [body.output.annotations?.length ?? 0, body.conclusion ?? null])).toEqual([
      [50, null],
      [50, null],
      [20, 'neutral'],
    ]);
    const [run] = gh.state.checkRuns;
    expect({ status: run!.status, conclusion: run!.conclusion, annotations: run!.output.annotations.length }).toEqual({ status: 'completed', conclusion: 'neutral', annotations: 120 });
    expect(gh.problems).toEqual([]);

    // The same head again: the completed run means it was reviewed; a re-run request creates a new one.
    expect(await startCheckRun(context, false)).toEqual({ skip: `check run ${run!.id} already completed for aaaaaaa` });
    expect(await startCheckRun(context, true)).toEqual({ id: expect.any(Number) as number });
  });
});
