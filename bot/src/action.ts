#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Probot } from 'probot';
import { installedProgram, refuseForeignModules } from '@premortem/core';
import { createApp } from './app.js';
import { DEFAULT_REQUEST_POLICY } from './github/request-policy.js';
import { createOctokitClass } from './octokit.js';

/**
 * The GitHub Actions entry: the workflow's event goes to the same app, authenticated with the
 * job's GITHUB_TOKEN, and the head is the checked-out workspace, dependencies installed, so types
 * are exact. (Probot's own Actions adapter still pins Probot 13; this is the same few steps on 14.)
 */
async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const missing = ['GITHUB_TOKEN', 'GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_WORKSPACE'].filter((name) => !env[name]);
  if (missing.length > 0) {
    process.stderr.write(`premortem: ${missing.join(', ')} not set. Run this inside GitHub Actions, with \`GITHUB_TOKEN: \${{ github.token }}\` in the step's env.\n`);
    return 2;
  }
  const incomplete = env.PREMORTEM_INCOMPLETE_CONCLUSION?.trim() || 'failure';
  if (incomplete !== 'failure' && incomplete !== 'neutral') {
    process.stderr.write(`premortem: incomplete-conclusion must be failure or neutral, got "${incomplete}".\n`);
    return 2;
  }
  // This process holds the job's token and runs in the checked-out repository: from here on it
  // loads code only from premortem (the analysis itself runs in a confined child process).
  refuseForeignModules(installedProgram(import.meta.url).packages);
  const payload: unknown = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH!, 'utf8'));
  const probot = new Probot({
    githubToken: env.GITHUB_TOKEN!,
    Octokit: createOctokitClass(DEFAULT_REQUEST_POLICY),
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  const app = await createApp(probot, {
    workspace: path.resolve(env.GITHUB_WORKSPACE!),
    workDir: path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'premortem'),
    authentication: 'token',
    // What the job's token writes is by github-actions[bot]; another token names its own login.
    identity: identityFromEnv(env),
    incompleteConclusion: incomplete,
  });
  // A cancelled workflow run sends SIGINT, then SIGTERM: the review stops and its check is completed as cancelled.
  const stop = () => void app.drain(0);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.receive({ id: env.GITHUB_RUN_ID ?? 'local', name: env.GITHUB_EVENT_NAME!, payload });
  await app.idle();
  return 0;
}

/** `github-actions[bot]` for the job's token; `PREMORTEM_BOT_LOGIN` names another token's account (`my-app[bot]`). */
function identityFromEnv(env: NodeJS.ProcessEnv): { login: string; appSlug: string } {
  const login = env.PREMORTEM_BOT_LOGIN?.trim() || 'github-actions[bot]';
  return { login, appSlug: login.replace(/\[bot\]$/, '') };
}

process.exitCode = await main(process.env);
