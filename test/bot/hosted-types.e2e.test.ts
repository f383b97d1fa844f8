import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HOSTED_TYPES, type RunningBot } from '@premortem/bot';
import { createHarness, sha, startBot, type Harness } from './support/bot-harness.js';
import { packFixture, startRegistryDouble, type PackedPackage, type RegistryDouble } from './support/registry-double.js';

// The bot reviewing a pull request whose code drops a dependency's promise (Cal.com's
// `calendar.events.patch(…)` without `await`): only the dependency's declarations say it returns
// a promise, and they come from a registry double on loopback, at the version and integrity the
// pull request's package-lock.json pins.

const SYNC = `import { calendar } from 'calendar-client';

export async function confirmBooking(uid: string): Promise<void> {
  calendar.events.patch({ eventId: uid, requestBody: { status: 'confirmed' } });
}
`;

let harness: Harness;
let registry: RegistryDouble;
let client: PackedPackage;
let bot: RunningBot;
let markers: string;
let workDir: string;

const lockfile = (pkg: PackedPackage) =>
  JSON.stringify({
    name: 'calendar-app',
    version: '0.1.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'calendar-app', version: '0.1.0', dependencies: { 'calendar-client': pkg.version } },
      'node_modules/calendar-client': { version: pkg.version, resolved: `https://registry.npmjs.org/calendar-client/-/calendar-client-${pkg.version}.tgz`, integrity: pkg.integrity, hasInstallScript: true },
    },
  });

beforeAll(async () => {
  harness = await createHarness();
  markers = path.join(harness.work, 'markers');
  mkdirSync(markers);
  const leaveMark = (name: string) => `node -e "require('fs').writeFileSync(${JSON.stringify(path.join(markers, name))}, 'ran')"`;
  client = packFixture(
    {
      'package.json': JSON.stringify({
        name: 'calendar-client',
        version: '3.1.0',
        main: 'index.js',
        types: 'index.d.ts',
        bin: { 'calendar-sync': 'bin/sync.js' },
        scripts: { preinstall: leaveMark('preinstall'), install: leaveMark('install'), postinstall: leaveMark('postinstall'), prepare: leaveMark('prepare') },
      }),
      'index.d.ts': [
        'export interface EventPatch { eventId: string; requestBody: { status: string } }',
        'export interface Events { patch(params: EventPatch): Promise<{ status: number }>; }',
        'export declare const calendar: { events: Events };',
        '',
      ].join('\n'),
      'index.js': `require('fs').writeFileSync(${JSON.stringify(path.join(markers, 'required'))}, 'ran');\n`,
      'bin/sync.js': `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(path.join(markers, 'bin'))}, 'ran');\n`,
    },
    ['bin/sync.js'],
  );
  registry = await startRegistryDouble();
  registry.add(client);
  workDir = path.join(harness.work, 'bot');
  bot = await startBot(harness, workDir, {
    settings: {
      workDir,
      settleMs: 20,
      snapshotLimits: { maxFiles: 400, maxBytes: 20e6, maxFileBytes: 1e6, timeoutMs: 30_000 },
      hostedTypes: { ...DEFAULT_HOSTED_TYPES, registry: registry.url },
    },
  });
});

afterAll(async () => {
  await bot?.stop();
  await registry?.close();
  await harness?.close();
});

/** With PREMORTEM_FIGURES set, how long a whole review took (webhook to check completed), for the closing note. */
const figure = (label: string, started: number) => {
  if (process.env.PREMORTEM_FIGURES) process.stdout.write(`hosted types e2e, ${label}: ${Math.round(performance.now() - started)} ms\n`);
};
const checkOf = (head: string) => harness.gh.state.checkRuns.find((run) => run.head_sha === head)!;
const summaryOf = (number: number) => harness.gh.state.comments.find((comment) => comment.issue_number === number)?.body ?? '';

describe('hosted types in the bot', () => {
  it('reports the dropped promise of a dependency whose declarations the lockfile pins, fetched verified, its install scripts never run', async () => {
    const head = sha('7');
    await harness.openPull(71, head, 'fixed', { 'src/server/calendar-sync.ts': SYNC, 'package-lock.json': lockfile(client) });
    const started = performance.now();
    expect(await harness.deliver(bot.url, 71, head)).toBe(200);
    await bot.app.idle();
    figure('with hosted types', started);

    const run = checkOf(head);
    expect(run.conclusion).toBe('failure');
    expect(run.output.annotations.map((annotation) => [annotation.title, annotation.path, annotation.start_line])).toEqual([['premortem/no-floating-promises', 'src/server/calendar-sync.ts', 4]]);
    const review = harness.gh.state.reviews.find((candidate) => candidate.pull_number === 71)!;
    expect(review.comments.map((comment) => [comment.path, comment.line])).toEqual([['src/server/calendar-sync.ts', 4]]);
    expect(summaryOf(71)).toContain('types of 1 locked dependency');
    expect(summaryOf(71)).not.toContain('Types from dependencies');
    // Fetched once, for the head only (the base needs no types), at the pinned version.
    expect(registry.requests).toEqual([registry.tarballPath('calendar-client', '3.1.0')]);
    // Nothing of the package ran, and only its manifest and declarations were written, none executable.
    expect(readdirSync(markers)).toEqual([]);
    const cache = path.join(workDir, 'types-cache');
    const [entry] = readdirSync(cache);
    const files = path.join(cache, entry!, 'files');
    const written = readdirSync(files, { recursive: true, withFileTypes: true }).filter((file) => !file.isDirectory());
    expect(written.map((file) => [file.name, (statSync(path.join(file.parentPath, file.name)).mode & 0o777).toString(8)]).sort()).toEqual([
      ['index.d.ts', '644'],
      ['package.json', '644'],
    ]);
    // The snapshot, and the node_modules laid out in it, are gone with the review.
    expect(readdirSync(path.join(workDir, 'snapshots'))).toEqual([]);
  });

  it('without a lockfile analyzes bare, reports nothing it cannot see, and says why in the summary', async () => {
    const head = sha('8');
    await harness.openPull(72, head, 'fixed', { 'src/server/calendar-sync.ts': SYNC, 'package-lock.json': null });
    const before = registry.requests.length;
    const started = performance.now();
    expect(await harness.deliver(bot.url, 72, head)).toBe(200);
    await bot.app.idle();
    figure('bare (no lockfile)', started);

    const run = checkOf(head);
    expect(run.output.annotations.filter((annotation) => annotation.path === 'src/server/calendar-sync.ts')).toEqual([]);
    const note = 'Types from dependencies were not available (no lockfile): findings that depend on them may be missing.';
    // Clean, so no summary comment (as for any clean pull request): the check's summary carries the note.
    expect(run.conclusion).toBe('success');
    expect(run.output.summary).toContain(note);
    expect(summaryOf(72)).toBe('');
    expect(registry.requests.length).toBe(before);
    expect(existsSync(path.join(markers, 'install'))).toBe(false);
  });
});
