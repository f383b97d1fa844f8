import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedLinesFromDiff, touchedBy, type Baseline } from '@premortem/core';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';
import { git } from '../support/git.js';

// Real git repositories made in the test, driven through the real binary.
const floating = (name: string) => `export async function ${name}(): Promise<void> { throw new Error(); }\nexport function start${name}() {\n  ${name}();\n}\n`;

function repository(files: Record<string, string>): string {
  const dir = createProject({ 'tsconfig.json': strictTsconfig, '.gitignore': 'node_modules\n', ...files });
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}

const reported = (stdout: string) => parseReport(stdout).findings.map((f) => `${f.file}:${f.line}`);

describe('premortem baseline and check --baseline', () => {
  it('fail only on new findings, report fixed ones as stale, and let the baseline only shrink', () => {
    const dir = repository({ 'src/a.ts': floating('a'), 'src/b.ts': floating('b') });
    const written = runCli(['baseline'], dir);
    expect(written.status).toBe(0);
    expect(written.stderr).toContain('.premortem/baseline.json: 2 finding(s) recorded.');
    const baseline = JSON.parse(readFileSync(path.join(dir, '.premortem/baseline.json'), 'utf8')) as Baseline;
    expect(baseline.findings.map((e) => `${e.ruleId} ${e.file}:${e.line}`)).toEqual(['premortem/no-floating-promises src/a.ts:3', 'premortem/no-floating-promises src/b.ts:3']);

    const accepted = runCli(['check', '--baseline', '.premortem/baseline.json', '--format', 'json'], dir);
    expect({ status: accepted.status, findings: reported(accepted.stdout) }).toEqual({ status: 0, findings: [] });
    expect(accepted.stderr).toContain('2 finding(s) accepted in .premortem/baseline.json not shown.');

    // Lines move above an accepted finding: it stays accepted (fingerprints ignore line numbers).
    writeFileSync(path.join(dir, 'src/a.ts'), `// moved down\n\n${floating('a')}`);
    writeFileSync(path.join(dir, 'src/c.ts'), floating('c'));
    writeFileSync(path.join(dir, 'src/b.ts'), `export async function b(): Promise<void> { throw new Error(); }\nexport async function startb() {\n  await b();\n}\n`);
    const after = runCli(['check', '--baseline', '.premortem/baseline.json', '--format', 'json'], dir);
    expect({ status: after.status, findings: reported(after.stdout) }).toEqual({ status: 1, findings: ['src/c.ts:3'] });
    expect(after.stderr).toContain('1 baseline entry no longer occurs (fixed, or the code moved); run `premortem baseline` to drop it:\n  src/b.ts:3  premortem/no-floating-promises');

    const shrunk = runCli(['baseline'], dir);
    expect(shrunk.stderr).toContain('1 fixed finding(s) dropped, 1 kept.');
    expect(shrunk.stderr).toContain('1 new finding(s) not added; fix them, or pass --add-new to accept them.');
    const kept = JSON.parse(readFileSync(path.join(dir, '.premortem/baseline.json'), 'utf8')) as Baseline;
    expect(kept.findings.map((e) => `${e.file}:${e.line}`)).toEqual(['src/a.ts:5']);

    runCli(['baseline', '--add-new'], dir);
    const grown = JSON.parse(readFileSync(path.join(dir, '.premortem/baseline.json'), 'utf8')) as Baseline;
    expect(grown.findings.map((e) => e.file)).toEqual(['src/a.ts', 'src/c.ts']);
  });

  it('reject a missing or malformed baseline with exit 2', () => {
    const dir = repository({ 'src/a.ts': floating('a'), 'bad.json': '{"version": 2, "findings": []}' });
    const missing = runCli(['check', '--baseline', 'nope.json'], dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--baseline .*nope\.json: no such file\. Write one with `premortem baseline`\./);
    const bad = runCli(['check', '--baseline', 'bad.json'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json is not a premortem baseline:\n  version: /);
  });
});

describe('check --changed-since', () => {
  it('analyzes everything but reports only lines changed since the merge base, untracked files included', () => {
    const dir = repository({ 'src/a.ts': floating('a'), 'src/b.ts': 'export const value = 1;\n' });
    git(dir, 'checkout', '-qb', 'feature');
    writeFileSync(path.join(dir, 'src/b.ts'), `export const value = 1;\n${floating('b')}`);
    git(dir, 'commit', '-qam', 'b');
    writeFileSync(path.join(dir, 'src/a.ts'), `${floating('a')}export const unrelated = 2;\n`); // uncommitted, away from the finding
    writeFileSync(path.join(dir, 'src/c.ts'), floating('c')); // untracked

    const all = runCli(['check', '--format', 'json'], dir);
    expect(reported(all.stdout)).toEqual(['src/a.ts:3', 'src/b.ts:4', 'src/c.ts:3']);
    const changed = runCli(['check', '--changed-since', 'main', '--format', 'json'], dir);
    expect({ status: changed.status, findings: reported(changed.stdout) }).toEqual({ status: 1, findings: ['src/b.ts:4', 'src/c.ts:3'] });
    expect(changed.stderr).toMatch(/--changed-since main: 3 changed file\(s\) since [0-9a-f]{12}; 1 finding\(s\) elsewhere not shown\./);

    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'rest');
    const clean = runCli(['check', '--changed-since', 'HEAD', '--format', 'json'], dir);
    expect({ status: clean.status, findings: reported(clean.stdout) }).toEqual({ status: 0, findings: [] });
  });

  it('lists the query estimates of the changed files only', () => {
    const search = (name: string) => `declare const prisma: any;\nexport const ${name} = (userId: number) => prisma.booking.findMany({ where: { userId } });\n`;
    const dir = repository({
      'prisma/schema.prisma': `model Booking {\n  id Int @id\n  userId Int\n  @@index([userId])\n}\n`,
      'src/old.ts': search('old'),
    });
    writeFileSync(path.join(dir, 'src/new.ts'), search('fresh'));
    const sites = (stdout: string) => parseReport(stdout).queries.map((query) => `${query.file}:${query.line} ${query.model}.${query.operation}`);
    expect(sites(runCli(['check', '--format', 'json'], dir).stdout)).toEqual(['src/new.ts:2 Booking.findMany', 'src/old.ts:2 Booking.findMany']);
    expect(sites(runCli(['check', '--changed-since', 'HEAD', '--format', 'json'], dir).stdout)).toEqual(['src/new.ts:2 Booking.findMany']);
  });

  it('says what to do in a shallow clone without the merge base, outside git, and for a bad ref', () => {
    const origin = repository({ 'src/a.ts': floating('a') });
    git(origin, 'checkout', '-qb', 'feature');
    writeFileSync(path.join(origin, 'src/b.ts'), floating('b'));
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'b');
    const clone = createProject({});
    git(clone, 'clone', '-q', '--depth', '1', '--no-single-branch', '--branch', 'feature', `file://${origin}`, 'repo');
    const shallow = runCli(['check', '--changed-since', 'origin/main'], path.join(clone, 'repo'));
    expect(shallow.status).toBe(2);
    expect(shallow.stderr).toContain('the merge base of HEAD and "origin/main" is not in this shallow clone. Fetch more history first (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout).');
    expect(shallow.stdout).toBe('');

    const plain = createProject({ 'tsconfig.json': strictTsconfig, 'src/a.ts': floating('a') });
    const outside = runCli(['check', '--changed-since', 'main'], plain);
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('--changed-since needs a git repository');

    expect(runCli(['check', '--changed-since', 'no-such-branch'], origin).stderr).toContain('"no-such-branch" is not a commit in this repository.');
    expect(runCli(['check', '--changed-since', '--output=/tmp/x'], origin).status).toBe(2);
  });
});

describe('changed lines', () => {
  const diff = `diff --git a/app/layout.tsx b/app/layout.tsx
--- a/app/layout.tsx
+++ b/app/layout.tsx
@@ -16,0 +17 @@ export default function RootLayout() {
+        <CommandPalette />
diff --git a/src/q.ts b/src/q.ts
--- a/src/q.ts
+++ b/src/q.ts
@@ -9 +8,0 @@ export function list() {
-    take: 20,
`;
  const changes = changedLinesFromDiff(diff);

  it('count a finding whose path runs through a changed line, and deletions inside a finding', () => {
    expect([...(changes.get('app/layout.tsx') as Set<number>)]).toEqual([17]);
    const hook = { file: '/r/src/useSearch.ts', line: 4, endLine: 4 };
    expect(touchedBy(hook, changes, '/r')).toBe(false);
    expect(touchedBy({ ...hook, path: [{ file: '/r/app/layout.tsx', line: 17, label: '<CommandPalette>' }] }, changes, '/r')).toBe(true);
    expect(touchedBy({ file: '/r/src/q.ts', line: 7, endLine: 10 }, changes, '/r')).toBe(true);
    expect(touchedBy({ file: '/r/src/q.ts', line: 20, endLine: 21 }, changes, '/r')).toBe(false);
  });
});
