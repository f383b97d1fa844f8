import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REVIEWED_EVENTS, routeEvent, serverConfigFromEnv } from '@premortem/bot';
import { repoRoot } from '../support/cli.js';

// How the bot ships (bot/app.yml, bot/.env.example, bot/Dockerfile), held to what bot/src does.

const botDir = path.join(repoRoot, 'bot');
const srcDir = path.join(botDir, 'src');
const readBot = (file: string) => readFileSync(path.join(botDir, file), 'utf8');

/** bot/src's TypeScript files, relative to bot/src, with their text. */
const sources: Map<string, string> = new Map(
  readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file.split(path.sep).join('/'), readFileSync(path.join(srcDir, file), 'utf8')]),
);

interface Manifest {
  name?: unknown;
  description?: unknown;
  url?: unknown;
  public?: unknown;
  default_events?: unknown;
  default_permissions?: Record<string, string>;
}
const manifest = parse(readBot('app.yml')) as Manifest;

describe('bot/app.yml', () => {
  it('is a private app manifest with a name, a description and a url', () => {
    expect(manifest.name).toBe('Premortem');
    expect(typeof manifest.description).toBe('string');
    expect(manifest.url).toMatch(/^https:\/\//);
    expect(manifest.public).toBe(false);
  });

  it('subscribes to exactly the events the bot routes', () => {
    expect([...(manifest.default_events as string[])].sort()).toEqual(Object.keys(REVIEWED_EVENTS).sort());
    // No branch of the router names an event outside REVIEWED_EVENTS.
    const named = [...sources.get('route-event.ts')!.matchAll(/delivery\.name === '([a-z_]+)'/g)].map((match) => match[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(Object.keys(REVIEWED_EVENTS)).toContain(name);
  });

  it('each subscribed event starts a review, and other events with the same payload do not', () => {
    const payload = (action: string) => ({
      action,
      repository: { name: 'r', html_url: 'https://github.com/o/r', owner: { login: 'o' } },
      pull_request: { number: 7, state: 'open', head: { sha: 'h' }, base: { sha: 'b' } },
      check_run: { id: 1, name: 'premortem', head_sha: 'h', pull_requests: [{ number: 7, head: { sha: 'h' }, base: { sha: 'b' } }] },
    });
    const route = (name: string, action: string) => routeEvent({ name, payload: payload(action) }, { checkName: 'premortem', useInstallation: true });
    const actions = Object.values(REVIEWED_EVENTS).flat();
    for (const event of manifest.default_events as string[]) {
      const started = actions.filter((action) => 'job' in route(event, action));
      expect(started, event).toEqual([...REVIEWED_EVENTS[event as keyof typeof REVIEWED_EVENTS]]);
    }
    for (const event of ['check_suite', 'pull_request_target', 'pull_request_review', 'issue_comment', 'push']) {
      for (const action of actions) expect(route(event, action), `${event}.${action}`).toHaveProperty('skip');
    }
  });

  /**
   * Every GitHub API call bot/src makes, and the installation permission it needs, from GitHub's
   * "Permissions required for GitHub Apps". `app`: made as the app itself (its JWT), no permission.
   */
  const PERMISSION_OF_CALL: Record<string, readonly [scope: string, access: 'read' | 'write'] | 'app'> = {
    'apps.getAuthenticated': 'app', // GET /app: who the app is, for its own login
    'checks.create': ['checks', 'write'],
    'checks.update': ['checks', 'write'],
    'checks.get': ['checks', 'read'],
    'checks.listForRef': ['checks', 'read'],
    'GET /repos/{owner}/{repo}/tarball/{ref}': ['contents', 'read'],
    'pulls.get': ['pull_requests', 'read'],
    'pulls.listFiles': ['pull_requests', 'read'],
    'pulls.listReviews': ['pull_requests', 'read'],
    'pulls.createReview': ['pull_requests', 'write'],
    // A pull request's issue comments: GitHub lists these under pull_requests as well as issues.
    'issues.listComments': ['pull_requests', 'read'],
    'issues.createComment': ['pull_requests', 'write'],
    'issues.updateComment': ['pull_requests', 'write'],
  };
  /** Receiving an event needs read access to its resource. */
  const PERMISSION_OF_EVENT: Record<string, readonly [string, 'read']> = { pull_request: ['pull_requests', 'read'], check_run: ['checks', 'read'] };

  it('asks for exactly the permissions of the API calls bot/src makes and the events it receives', () => {
    const calls = new Set<string>();
    for (const [file, text] of sources) {
      for (const match of text.matchAll(/\.rest\.(\w+)\s*\.(\w+)/g)) calls.add(`${match[1]}.${match[2]}`);
      for (const match of text.matchAll(/\boctokit\.(request|graphql)\(\s*(['"`]?)([^'"`,)]*)/g)) {
        // A route the scan cannot read (a variable, GraphQL) has no entry, and fails below.
        calls.add(match[1] === 'request' && match[2] ? match[3]! : `${file}: octokit.${match[1]}(${match[3]}`);
      }
    }
    expect([...calls].sort()).toEqual(Object.keys(PERMISSION_OF_CALL).sort());

    const needed: Record<string, string> = { metadata: 'read' }; // every installation has it
    const need = ([scope, access]: readonly [string, string]) => {
      if (needed[scope] !== 'write') needed[scope] = access;
    };
    for (const permission of Object.values(PERMISSION_OF_CALL)) if (permission !== 'app') need(permission);
    for (const event of manifest.default_events as string[]) need(PERMISSION_OF_EVENT[event]!);
    expect(manifest.default_permissions).toEqual(needed);
    expect(needed).toEqual({ checks: 'write', contents: 'read', pull_requests: 'write', metadata: 'read' });
  });
});

/** `NAME=` lines of .env.example, commented out or not. */
function exampleVariables(): Map<string, string> {
  const lines = readBot('.env.example').split('\n');
  return new Map(lines.flatMap((line) => [...line.matchAll(/^(?:#\s?)?([A-Z][A-Z0-9_]*)=(.*)$/g)].map((match) => [match[1]!, match[2]!] as const)));
}

/** The relative modules a file imports or starts (`new URL('./child.js', import.meta.url)`), as bot/src paths. */
function localModules(file: string): string[] {
  const text = sources.get(file)!;
  const specifiers = [...text.matchAll(/(?:from |import\(|new URL\()\s*'(\.{1,2}\/[^']+)\.js'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => path.posix.join(path.posix.dirname(file), `${specifier}.ts`));
}

/** Environment variables a file reads: `env.NAME`, `env['NAME']`, and settings-from-env.ts's helpers. */
function variablesRead(file: string): string[] {
  const text = sources.get(file)!;
  const names = [...text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g)].map((match) => (match[1] ?? match[2])!);
  if (file === 'settings-from-env.ts') names.push(...[...text.matchAll(/\b(?:required|number)\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1]!));
  return names;
}

describe('bot/.env.example', () => {
  it('reads computed names only where the scan below knows how to', () => {
    // `env[name]` with a variable: settings-from-env.ts's `required` and `number` helpers, and
    // action.ts's check of names it then reads as `env.NAME`. A new one needs the scan extended.
    const computed = [...sources].flatMap(([file, text]) => [...text.matchAll(/\benv\[\s*[a-z]\w*\s*\]/g)].map(() => file));
    expect(computed.sort()).toEqual(['action.ts', 'settings-from-env.ts', 'settings-from-env.ts']);
  });

  it('lists every variable the server reads, and nothing else', () => {
    const reachable = new Set<string>();
    const queue = ['server.ts'];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reachable.has(file)) continue;
      expect(sources.has(file), file).toBe(true);
      reachable.add(file);
      queue.push(...localModules(file));
    }
    expect(reachable).toContain('settings-from-env.ts');
    expect(reachable).toContain('analysis/analysis-child.ts');
    const serverReads = new Set([...reachable].flatMap(variablesRead));
    expect([...exampleVariables().keys()].sort()).toEqual([...serverReads].sort());

    // The rest of bot/src is the Actions entry: the runner sets these, the server never reads them.
    const actionsOnly = [...sources.keys()].filter((file) => !reachable.has(file)).flatMap(variablesRead).filter((name) => !serverReads.has(name));
    expect([...new Set(actionsOnly)].sort()).toEqual(['GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_RUN_ID', 'GITHUB_TOKEN', 'GITHUB_WORKSPACE', 'PREMORTEM_BOT_LOGIN', 'RUNNER_TEMP']);
  });

  it('shows the defaults the server really uses, and leaves the secrets empty', () => {
    const variables = exampleVariables();
    for (const secret of ['APP_ID', 'WEBHOOK_SECRET', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH']) expect(variables.get(secret), secret).toBe('');
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const required = { APP_ID: '1', WEBHOOK_SECRET: 'x', PRIVATE_KEY: privateKey };
    const defaults = serverConfigFromEnv(required);
    const shown = [...variables].filter(([name, value]) => value !== '' && !(name in required));
    expect(shown.length).toBeGreaterThan(15);
    for (const [name, value] of shown) expect(serverConfigFromEnv({ ...required, [name]: value }), name).toEqual(defaults);
  });
});

describe('bot/Dockerfile', () => {
  const dockerfile = readBot('Dockerfile').replace(/\\\n/g, ' ');
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: string[][] = [];
  for (const line of instructions) {
    if (line.startsWith('FROM ')) stages.push([]);
    stages.at(-1)?.push(line);
  }
  const runtime = stages.at(-1)!;
  const runs = (stage: string[]) => stage.filter((line) => line.startsWith('RUN ')).map((line) => line.slice(4));
  const npmCommands = (stage: string[]) => runs(stage).flatMap((run) => run.split('&&').map((part) => part.trim()).filter((part) => /^(npm|npx)\b/.test(part)));

  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBe(2);
    expect(stages[0]![0]).toMatch(/^FROM \S+ AS build$/);
    expect(npmCommands(stages[0]!)).toContain('npx tsc -b bot');
    // The Node version satisfies the engines of the root and of the bot.
    expect(Number(/^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1])).toBeGreaterThanOrEqual(20);
  });

  it('installs the runtime without dev dependencies, and never runs a package script', () => {
    const installs = npmCommands(runtime).filter((command) => /^npm (ci|install|i)\b/.test(command));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/^npm ci /);
    expect(installs[0]).toContain('--omit=dev');
    expect(installs[0]).toContain('--workspace bot');
    for (const command of npmCommands(runtime)) expect(command, command).toMatch(/^npm ci .*--ignore-scripts|^npm cache clean/);
    for (const command of npmCommands(stages[0]!).filter((c) => c.startsWith('npm '))) expect(command, command).toContain('--ignore-scripts');
    expect(runtime).toContain('ENV NODE_ENV=production');
  });

  it('copies every workspace package.json npm ci needs, in both stages', () => {
    const workspaces = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    for (const stage of stages) for (const workspace of workspaces) expect(stage, workspace).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });

  it('copies the compiled code of the bot and of every workspace package it depends on', () => {
    const folders = new Set<string>();
    const visit = (folder: string) => {
      if (folders.has(folder)) return;
      folders.add(folder);
      const manifestOf = JSON.parse(readFileSync(path.join(repoRoot, folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const name of Object.keys(manifestOf.dependencies ?? {})) {
        if (name === '@premortem/core') visit('packages/core');
        else if (name === '@premortem/rules') visit('rules');
        else expect(name.startsWith('@premortem/'), `${folder} depends on ${name}`).toBe(false);
      }
    };
    visit('bot');
    expect([...folders].sort()).toEqual(['bot', 'packages/core', 'rules']);
    for (const folder of folders) expect(runtime).toContain(`COPY --from=build /app/${folder}/dist ${folder}/dist`);
  });

  it('runs as an unprivileged user, on the default port, the entry npm start runs', () => {
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    expect(runtime.findLastIndex((line) => line.startsWith('USER '))).toBeLessThan(runtime.findIndex((line) => line.startsWith('CMD ')));
    expect(runtime).toContain('EXPOSE 3000');
    // Its health check asks the probe the server answers (test/bot/webhook-server.test.ts), on the port it listens on.
    const healthcheck = runtime.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*process\.env\.PORT \|\| 3000\) \+ '\/healthz'/);
    expect(serverConfigFromEnv({ APP_ID: '1', WEBHOOK_SECRET: 'x', PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----' }).port).toBe(3000);

    const cmd = JSON.parse(runtime.find((line) => line.startsWith('CMD '))!.slice(4)) as string[];
    expect(cmd).toEqual(['node', 'bot/dist/server.js']);
    expect(existsSync(path.join(repoRoot, cmd[1]!))).toBe(true);
    const scripts = (JSON.parse(readBot('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(`node bot/${scripts.start!.replace(/^node /, '')}`).toBe(cmd.join(' '));
  });

  it('has a .dockerignore that keeps installed, built and secret files out of the context', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '**/.env', '**/*.pem']) expect(ignored).toContain(pattern);
  });
});

describe('bot/docker-compose.yml', () => {
  interface Service {
    build?: { context: string; dockerfile: string };
    image?: string;
    command?: string[];
    env_file?: string;
    environment?: Record<string, string>;
    deploy?: { replicas?: number };
    depends_on?: Record<string, { condition: string }>;
    stop_grace_period?: string;
  }
  const compose = parse(readBot('docker-compose.yml')) as { services: Record<string, Service> };
  const { redis, web, worker } = compose.services as Record<'redis' | 'web' | 'worker', Service>;

  it('runs the web process, two workers and Redis, from the image the Dockerfile builds', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['redis', 'web', 'worker']);
    expect(web.build).toEqual({ context: '..', dockerfile: 'bot/Dockerfile' });
    expect(existsSync(path.join(repoRoot, 'bot', web.build!.context, web.build!.dockerfile))).toBe(true);
    expect(worker.image).toBe(web.image);
    expect(worker.deploy?.replicas).toBe(2);
    // The web process runs the image's CMD (server.js); workers the worker entry, as `npm run worker` does.
    expect(web.command).toBeUndefined();
    const scripts = (JSON.parse(readBot('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(worker.command).toEqual(['node', `bot/${scripts.worker!.replace(/^node /, '')}`]);
    expect(existsSync(path.join(repoRoot, worker.command![1]!.replace('dist/', 'src/').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('points both at the Redis service, which keeps its jobs on disk and never evicts one', () => {
    for (const service of [web, worker]) {
      expect(service.env_file).toBe('.env');
      expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(service.depends_on?.redis).toEqual({ condition: 'service_healthy' });
      // Longer than the default drain (PREMORTEM_DRAIN_MS), so SIGTERM hands running reviews back before the kill.
      expect(Number.parseInt(service.stop_grace_period!, 10) * 1000).toBeGreaterThan(serverConfigFromEnv({ APP_ID: '1', WEBHOOK_SECRET: 'x', PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----' }).drainMs);
    }
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(serverConfigFromEnv({ APP_ID: '1', PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----', REDIS_URL: web.environment!.REDIS_URL! }, 'worker').queue?.url).toBe('redis://redis:6379');
  });
});
