// The bot against the GitHub double on loopback, for tests that break things: the calendar app's
// three states as tarballs, pull requests to point at them, the bot in this process or as its own
// (so it can be killed), and the invariants every fault must leave intact.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_WEBHOOK_LIMITS, startServer, type RunningBot, type ServerConfig } from '@premortem/bot';
import { writeCalendarApp } from '../../support/calendar-pull-request.js';
import { repoRoot } from '../../support/cli.js';
import { closedPort } from '../../stats/loopback-port.js';
import { pullFilesFromDirs, startGitHubDouble, type GitHubDouble, type PullFile } from './github-double.js';
import { makeGithubTarball } from './make-tarball.js';
import { pullRequestPayload, sendWebhook } from './webhooks.js';

export const SECRET = 'webhook-secret-for-tests';
const APP_ID = 4242;
export const repo = { owner: 'acme', repo: 'calendar', installationId: 77 };
export const sha = (c: string): string => c.repeat(40);
export const BASE = sha('b');
type State = 'base' | 'head' | 'fixed';

export interface Harness {
  work: string;
  gh: GitHubDouble;
  privateKey: string;
  /**
   * A pull request whose head is a commit with the calendar app in `state` (KBar hazards in
   * `head`, none in `fixed`), and `extra` files added by it (`null`: the file removed).
   */
  openPull(number: number, head: string, state: State, extra?: Record<string, string | null>): Promise<void>;
  /** A push: the head becomes `head`, a commit in `state`. */
  push(number: number, head: string, state: State): Promise<void>;
  deliver(url: string, number: number, head: string, action?: 'opened' | 'synchronize'): Promise<number>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-bot-faults-'));
  const dirs = {} as Record<State, string>;
  for (const state of ['base', 'head', 'fixed'] as const) {
    dirs[state] = path.join(work, 'repo', state);
    mkdirSync(dirs[state], { recursive: true });
    writeCalendarApp(dirs[state], state, { linkDependencies: false });
  }
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const gh = await startGitHubDouble({ appPublicKey: publicKey, appId: APP_ID });
  gh.addTarball(repo.owner, repo.repo, BASE, await makeGithubTarball(dirs.base, 'acme-calendar-base', { commit: BASE }));
  const files = new Map<State, PullFile[]>();
  const filesOf = (state: State) => files.get(state) ?? files.set(state, pullFilesFromDirs(dirs.base, dirs[state])).get(state)!;
  const addCommit = async (head: string, dir: string) => gh.addTarball(repo.owner, repo.repo, head, await makeGithubTarball(dir, `acme-calendar-${head.slice(0, 7)}`, { commit: head }));
  return {
    work,
    gh,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    async openPull(number, head, state, extra) {
      let dir = dirs[state];
      if (extra) {
        dir = path.join(work, 'repo', head);
        cpSync(dirs[state], dir, { recursive: true });
        for (const [file, content] of Object.entries(extra)) {
          mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          if (content === null) rmSync(path.join(dir, file));
          else writeFileSync(path.join(dir, file), content);
        }
      }
      await addCommit(head, dir);
      gh.addPullRequest({ ...repo, number, base: { ref: 'main', sha: BASE }, head: { ref: `feature-${number}`, sha: head }, files: extra ? pullFilesFromDirs(dirs.base, dir) : filesOf(state) });
    },
    async push(number, head, state) {
      await addCommit(head, dirs[state]);
      gh.setHead(number, head, filesOf(state), repo);
    },
    deliver: (url, number, head, action = 'opened') =>
      sendWebhook(url, { name: 'pull_request', secret: SECRET, payload: pullRequestPayload({ ...repo, number, action, head: { ref: `feature-${number}`, sha: head }, base: { ref: 'main', sha: BASE } }) }),
    async close() {
      await gh.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export function serverConfig(harness: Harness, workDir: string, overrides: Partial<ServerConfig> = {}): Promise<ServerConfig> {
  return closedPort().then((port) => ({
    appId: String(APP_ID),
    privateKey: harness.privateKey,
    webhookSecret: SECRET,
    port,
    host: '127.0.0.1',
    webhookPath: '/api/github/webhooks',
    baseUrl: harness.gh.url,
    settings: { workDir, settleMs: 20, snapshotLimits: { maxFiles: 400, maxBytes: 20e6, maxFileBytes: 1e6, timeoutMs: 30_000 } },
    requestPolicy: { writeIntervalMs: 10, retries: 3, baseDelayMs: 10, maxDelayMs: 1000, timeoutMs: 2000 },
    webhookLimits: DEFAULT_WEBHOOK_LIMITS,
    drainMs: 1000,
    ...overrides,
  }));
}

/** The bot in this process; its log is silent unless BOT_LOG=info (or debug) is set, to see why a test waits. */
export async function startBot(harness: Harness, workDir: string, overrides: Partial<ServerConfig> = {}): Promise<RunningBot> {
  return startServer(await serverConfig(harness, workDir, overrides), (process.env.BOT_LOG as 'info' | undefined) ?? 'silent');
}

export interface BotProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal). */
  exited: Promise<number | NodeJS.Signals>;
  output: () => string;
}

/** `npm start` as an operator runs it: `bot/dist/server.js` with its configuration in the environment. */
export async function spawnBot(harness: Harness, workDir: string, env: Record<string, string> = {}): Promise<BotProcess> {
  const port = await closedPort();
  const started = spawnEntry('bot/dist/server.js', harness, workDir, port, env);
  await untilStarted(started, 'listening on');
  return { ...started, url: `http://127.0.0.1:${port}/api/github/webhooks` };
}

/**
 * `npm run worker` as an operator runs it: `bot/dist/worker.js`, taking reviews from the Redis at
 * `REDIS_URL` (in `env`). Its `url` is its probe and metrics server's.
 */
export async function spawnWorker(harness: Harness, workDir: string, env: Record<string, string>): Promise<BotProcess> {
  const port = await closedPort();
  const started = spawnEntry('bot/dist/worker.js', harness, workDir, port, env);
  await untilStarted(started, 'premortem worker taking reviews');
  return { ...started, url: `http://127.0.0.1:${port}` };
}

/** Until the process says `ready`; throws with its output if it exits first or takes over 30 s. */
async function untilStarted(started: Omit<BotProcess, 'url'>, ready: string): Promise<void> {
  const { child } = started;
  await until(() => started.output().includes(ready) || child.exitCode !== null || child.signalCode !== null, 30_000, () => `it did not start:\n${started.output()}`);
  if (!started.output().includes(ready)) throw new Error(`it exited without starting:\n${started.output()}`);
}

function spawnEntry(entry: string, harness: Harness, workDir: string, port: number, env: Record<string, string>): Omit<BotProcess, 'url'> {
  let output = '';
  const child = spawn(process.execPath, [path.join(repoRoot, entry)], {
    env: {
      PATH: process.env.PATH ?? '',
      APP_ID: String(APP_ID),
      PRIVATE_KEY: harness.privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      GITHUB_API_URL: harness.gh.url,
      PREMORTEM_WORK_DIR: workDir,
      PREMORTEM_WRITE_INTERVAL_MS: '10',
      LOG_LEVEL: 'info',
      // Tests reach no registry but a double on loopback, which a test names when it wants hosted types.
      PREMORTEM_HOSTED_TYPES: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a kill -9 takes its analysis process too, as a container's end does.
    detached: true,
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
  return { child, exited, output: () => output };
}

export async function until(condition: () => boolean, timeoutMs = 60_000, why: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * What no fault may break, for one pull request and the head SHAs it had: every SHA with a check
 * has exactly one, and it is completed; at most one review per SHA; at most one summary comment.
 */
export function expectExactlyOnce(gh: GitHubDouble, number: number, heads: readonly string[]): void {
  for (const head of heads) {
    const statuses = gh.state.checkRuns.filter((run) => run.head_sha === head).map((run) => run.status);
    if (statuses.length > 0) expect({ head, statuses }).toEqual({ head, statuses: ['completed'] });
  }
  const reviewed = gh.state.reviews.filter((review) => review.pull_number === number && review.user === gh.botLogin).map((review) => review.commit_id);
  expect(new Set(reviewed).size).toBe(reviewed.length);
  expect(gh.state.comments.filter((comment) => comment.issue_number === number && comment.user === gh.botLogin).length).toBeLessThanOrEqual(1);
}
