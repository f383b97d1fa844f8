import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReviewPlan } from '@premortem/core';
import { createProject, parseReport, runCli } from '../support/cli.js';
import { git } from '../support/git.js';
import { IN_SCOPE, OUT_OF_SCOPE } from '../support/scope-paths.js';

// Every file below holds the same hazard: which files are reported is the scope, nothing else.
const FLOATING = 'export async function task(): Promise<void> { throw new Error(); }\ntask();\n';
const tsconfig = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', jsx: 'react-jsx', strict: true, skipLibCheck: true, types: [] },
});
// TypeScript's own `include` skips dot-folders: a file it never lists says nothing about scope.
const analyzable = (files: readonly string[]) => files.filter((file) => !file.split('/').some((part) => part.startsWith('.')));

const sources = (files: readonly string[]) => Object.fromEntries(files.map((file) => [file, FLOATING]));
const reportedFiles = (stdout: string) => [...new Set(parseReport(stdout).findings.map((f) => f.file))].sort();
const check = (dir: string, args: string[] = []) => runCli(['check', '--format', 'json', '--rule', 'no-floating-promises', ...args], dir);
const project = (files: Record<string, string>, yml?: string) =>
  createProject({ 'tsconfig.json': tsconfig, ...files, ...(yml !== undefined ? { '.github/premortem.yml': yml } : {}) }, { withNodeTypes: false });

describe('production scope in premortem check', () => {
  const all = [...analyzable(OUT_OF_SCOPE), ...IN_SCOPE];

  it('reports nothing in test, e2e, mock, story, seed, benchmark and script files, and everything in production files', () => {
    const result = check(project(sources(all)));
    expect(result.status).toBe(1);
    expect(reportedFiles(result.stdout)).toEqual([...IN_SCOPE].sort());
    expect(parseReport(result.stdout).summary.files).toBe(IN_SCOPE.length);
    expect(result.stderr).toContain(
      `premortem: note: ${analyzable(OUT_OF_SCOPE).length} file(s) out of production scope (tests, scripts, stories and the like) were not checked; \`scope\` in .github/premortem.yml changes which.`,
    );
  });

  it('`scope.defaults: false` reports on every file', () => {
    const result = check(project(sources(all), 'scope:\n  defaults: false\n'));
    expect(reportedFiles(result.stdout)).toEqual([...all].sort());
    expect(result.stderr).not.toContain('out of production scope');
  });

  it('`scope.include` narrows the defaults, `scope.exclude` extends them, and `ignore` still works', () => {
    const files = sources(['scripts/backfill.ts', 'scripts/report.ts', 'src/app.test.ts', 'src/app.ts', 'src/legacy/old.ts', 'src/vendor/lib.ts']);
    const yml = ['scope:', '  include:', "    - 'scripts/backfill.ts'", "    - '**/*.test.ts'", '  exclude:', "    - 'src/legacy/**'", 'ignore:', "  - 'src/vendor/**'", ''].join('\n');
    expect(reportedFiles(check(project(files, yml)).stdout)).toEqual(['scripts/backfill.ts', 'src/app.test.ts', 'src/app.ts']);
  });

  it('keeps out-of-scope files in the Program: a production file still gets their types', () => {
    // Without test-utils.ts in the Program, `resetDatabase()` would be of an unknown type and not reported.
    const dir = project({
      'src/lib/test-utils.ts': 'export async function resetDatabase(): Promise<void> { throw new Error(); }\nresetDatabase();\n',
      'src/admin/reset.ts': "import { resetDatabase } from '../lib/test-utils';\nexport function reset() {\n  resetDatabase();\n}\n",
    });
    expect(parseReport(check(dir).stdout).findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/admin/reset.ts:3']);
  });

  it('reports no parse error in an out-of-scope file (a broken fixture is test data)', () => {
    const dir = project({ 'src/__fixtures__/broken.ts': 'export const = ;\n', 'src/app.ts': FLOATING });
    const result = check(dir);
    expect(parseReport(result.stdout).findings.map((f) => `${f.ruleId} ${f.file}`)).toEqual(['premortem/no-floating-promises src/app.ts']);
  });

  it('rejects a bad scope with exit 2, naming the key', () => {
    const cases: [string, RegExp][] = [
      ['scope:\n  include: scripts/**\n', /scope\.include: .*expected array/],
      ['scope:\n  exclude:\n    - "!src/keep.ts"\n', /scope\.exclude\.0: starts with "!": list files to leave out under scope\.exclude and files to bring back under scope\.include/],
      ['scope:\n  include:\n    - /scripts/**\n', /scope\.include\.0: globs are relative to the repository root/],
      ['scope:\n  default: false\n', /scope: Unrecognized key: "default"/],
      ['scope:\n  defaults: no thanks\n', /scope\.defaults: .*expected boolean/],
    ];
    for (const [yml, message] of cases) {
      const result = check(project(sources(['src/app.ts']), yml));
      expect({ yml, status: result.status }).toEqual({ yml, status: 2 });
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('production scope in premortem queries', () => {
  const schema = 'model Booking {\n  id Int @id\n  userId Int\n}\n';
  const query = 'declare const prisma: any;\nexport const list = () => prisma.booking.findMany();\n';
  const files = { 'prisma/schema.prisma': schema, 'src/bookings.ts': query, 'src/bookings.test.ts': query, 'prisma/seed.ts': query, 'scripts/export.ts': query };
  const listed = (yml?: string) => parseReport(runCli(['queries', '--format', 'json'], project(files, yml)).stdout).queries.map((q) => q.file);

  it('lists no query of test, seed or script code', () => {
    expect(listed()).toEqual(['src/bookings.ts']);
  });

  it('lists those a configured scope brings back', () => {
    expect(listed("scope:\n  include: ['prisma/seed.ts']\n")).toEqual(['prisma/seed.ts', 'src/bookings.ts']);
  });
});

describe('production scope on changed lines (check --changed-since, review)', () => {
  it('reports the changed production file and not the changed test file', () => {
    const dir = project({ '.gitignore': 'node_modules\n', 'src/app.ts': 'export const ready = true;\n', 'src/app.test.ts': 'export const ready = true;\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'initial');
    git(dir, 'checkout', '-qb', 'change');
    writeFileSync(path.join(dir, 'src/app.ts'), FLOATING);
    writeFileSync(path.join(dir, 'src/app.test.ts'), FLOATING);
    git(dir, 'commit', '-qam', 'floating promises');

    expect(reportedFiles(check(dir, ['--changed-since', 'main']).stdout)).toEqual(['src/app.ts']);
    const plan = JSON.parse(runCli(['review', '--base', 'main', '--format', 'json'], dir).stdout) as ReviewPlan;
    expect(plan.findings.map((f) => path.relative(dir, path.resolve(dir, f.file)))).toEqual(['src/app.ts']);
    expect(plan.inline.map((c) => c.path)).toEqual(['src/app.ts']);
  });
});
