import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, expectedMarkers, parseReport, runCli, strictTsconfig } from '../support/cli.js';

const MARK = '// expect: no-floating-promises';

const serviceFiles = {
  'tsconfig.json': strictTsconfig,
  'package.json': JSON.stringify({ name: 'outside-app', type: 'module' }),
  'src/mailer.ts': `
export class Mailer {
  async send(to: string, body: string): Promise<void> {
    if (!to.includes('@')) throw new Error('bad address: ' + to);
    void body;
  }
}
`,
  'src/bookings.ts': `
import { promisify } from 'node:util';
import { EventEmitter } from 'node:events';
import { Mailer } from './mailer.js';

type Callback = (error: Error | null, id?: string) => void;
function insertEvent(summary: string, done: Callback): void {
  setImmediate(() => done(null, summary));
}
const insertEventAsync = promisify(insertEvent);

export class BookingService {
  readonly events = new EventEmitter();
  constructor(private readonly mailer: Mailer) {}

  async confirm(uid: string, attendees: string[]): Promise<void> {
    insertEventAsync(uid); ${MARK}
    attendees.forEach(async (to) => { ${MARK}
      await this.mailer.send(to, 'confirmed');
    });
    await Promise.all(attendees.map((to) => this.mailer.send(to, 'details')));
    this.mailer.send('ops@example.com', uid).catch((error) => console.error(error));
  }

  listen(): void {
    this.events.on('cancelled', async (uid: string) => { ${MARK}
      await this.mailer.send('ops@example.com', 'cancelled ' + uid);
    });
    this.events.on('rescheduled', async (uid: string) => {
      try {
        await this.mailer.send('ops@example.com', 'moved ' + uid);
      } catch (error) {
        console.error(error);
      }
    });
  }
}
`,
};

describe('premortem check on a project outside this repository', () => {
  it('prints the JSON contract with every floating promise and exits 1', () => {
    const dir = createProject(serviceFiles);
    const result = runCli(['check', '.', '--format', 'json'], dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);

    const report = parseReport(result.stdout);
    expect(Object.keys(report).sort()).toEqual(['findings', 'queries', 'summary', 'version']);
    expect(report.version).toBe(1);
    expect(report.queries).toEqual([]);
    expect(report.summary.files).toBe(2);
    expect(typeof report.summary.durationMs).toBe('number');

    const found = report.findings.map((f) => `${f.file}:${f.line}`);
    expect(found).toEqual(expectedMarkers(serviceFiles, MARK));
    const first = report.findings[0]!;
    expect(Object.keys(first).sort()).toEqual(
      ['column', 'endColumn', 'endLine', 'file', 'fingerprint', 'kind', 'line', 'message', 'ruleId', 'severity'].sort(),
    );
    expect(first).toMatchObject({
      ruleId: 'premortem/no-floating-promises',
      severity: 'error',
      file: 'src/bookings.ts',
      column: 5,
      endLine: first.line,
      endColumn: 26,
    });
    expect(first.message).toContain('insertEventAsync(…)');
    expect(first.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('makes file paths relative to the folder it runs in', () => {
    const dir = createProject(serviceFiles);
    const result = runCli(['check', path.join(dir, 'src'), '--format', 'json'], path.join(dir, 'src'));
    const files = new Set(parseReport(result.stdout).findings.map((f) => f.file));
    expect([...files]).toEqual(['bookings.ts']);
  });

  it('prints stylish output by default and exits 0 on a clean project', () => {
    const dir = createProject({
      'tsconfig.json': strictTsconfig,
      'src/ok.ts': `export async function ok(): Promise<number> { return 1; }\nexport async function main() { await ok(); }\n`,
    });
    const result = runCli(['check'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('No problems found in 1 file.\n');
    expect(result.stderr).toBe('');
  });

  it('groups stylish findings by file with a summary line', () => {
    const dir = createProject(serviceFiles);
    const result = runCli(['check', 'src'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('src/bookings.ts\n  17:5');
    expect(result.stdout).toContain('premortem/no-floating-promises');
    expect(result.stdout).toContain('✖ 3 problems (3 errors, 0 warnings)');
  });

  it('keeps fingerprints when unrelated code moves the finding', () => {
    const dir = createProject(serviceFiles);
    const before = parseReport(runCli(['check', '--format', 'json'], dir).stdout).findings;
    const file = path.join(dir, 'src/bookings.ts');
    writeFileSync(file, `// a new header comment\nexport const VERSION = 2;\n\n${serviceFiles['src/bookings.ts']}`);
    const after = parseReport(runCli(['check', '--format', 'json'], dir).stdout).findings;
    expect(after.map((f) => f.line)).toEqual(before.map((f) => f.line + 3));
    expect(after.map((f) => f.fingerprint)).toEqual(
      before.map((f) => f.fingerprint),
    );
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(before.length);
  });

  it('reports a file that does not parse as premortem/parse-error and still analyzes the rest', () => {
    const dir = createProject({
      ...serviceFiles,
      'src/broken.ts': `export function broken( {\n  return 1;\n`,
    });
    const result = runCli(['check', '--format', 'json'], dir);
    expect(result.status).toBe(1);
    const findings = parseReport(result.stdout).findings;
    const parseErrors = findings.filter((f) => f.ruleId === 'premortem/parse-error');
    expect(parseErrors).toHaveLength(1);
    expect(parseErrors[0]).toMatchObject({ file: 'src/broken.ts', severity: 'error' });
    expect(parseErrors[0]!.message).toMatch(/does not parse/);
    expect(findings.filter((f) => f.file === 'src/bookings.ts')).toHaveLength(3);
  });

  it('analyzes a folder without tsconfig with default options and says so on stderr', () => {
    const dir = createProject({
      'jobs/cleanup.ts': `async function purge(): Promise<void> { throw new Error(); }\nexport function run() {\n  purge(); ${MARK}\n}\n`,
    });
    const result = runCli(['check', '--format', 'json'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/note: 1 file\(s\) analyzed with default compiler options: no tsconfig\.json was found/);
    expect(parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line}`)).toEqual([
      'jobs/cleanup.ts:3',
    ]);
  });

  it('still finds what it can prove without node_modules, as the hosted bot sees a repository', () => {
    const files = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler' } }),
      'src/worker.ts': `import { EventEmitter } from 'node:events';
import { google } from 'googleapis';

async function refresh(id: string): Promise<void> { if (!id) throw new Error(); }
const bus = new EventEmitter();

export function start(ids: string[]) {
  refresh(ids[0] ?? ''); ${MARK}
  google.calendar('v3').events.list({});
  bus.on('tick', async () => { ${MARK}
    await refresh('all');
  });
  setTimeout(async () => { ${MARK}
    await refresh('later');
  }, 1000);
}
`,
    };
    const dir = createProject(files, { withNodeTypes: false });
    const result = runCli(['check', '--format', 'json'], dir);
    // Library calls are \`any\` without their types: quiet, since nothing about them is proven.
    expect(parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line}`)).toEqual(expectedMarkers(files, MARK));
  });

  it('analyzes a monorepo with project references, each file once in its own Program', () => {
    const pkg = (name: string, references: string[] = []) =>
      JSON.stringify({
        compilerOptions: { composite: true, strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], rootDir: 'src', outDir: 'dist' },
        include: ['src'],
        references: references.map((p) => ({ path: p })),
      });
    const files = {
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: 'packages/db' }, { path: 'packages/api' }] }),
      'packages/db/tsconfig.json': pkg('db'),
      'packages/db/package.json': JSON.stringify({ name: '@acme/db', type: 'module', exports: './src/index.ts' }),
      'packages/db/src/index.ts': `export async function deleteBooking(uid: string): Promise<void> { if (!uid) throw new Error(); }\nexport function cleanup() {\n  deleteBooking('old'); ${MARK}\n}\n`,
      'packages/api/tsconfig.json': pkg('api', ['../db']),
      'packages/api/src/handler.ts': `import { deleteBooking } from '../../db/src/index.js';\nexport function handle(uid: string) {\n  deleteBooking(uid); ${MARK}\n}\n`,
    };
    const dir = createProject(files);
    const result = runCli(['check', '--format', 'json'], dir);
    expect(result.stderr).toBe('');
    const report = parseReport(result.stdout);
    expect(report.summary.files).toBe(2);
    expect(report.findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual(
      expectedMarkers(files, MARK).sort(),
    );
  });

  it('uses --project and only that project', () => {
    const dir = createProject({
      ...serviceFiles,
      'tsconfig.jobs.json': JSON.stringify({ compilerOptions: { strict: true, types: ['node'] }, include: ['jobs'] }),
      'jobs/a.ts': `async function a(): Promise<void> { throw new Error(); }\na();\n`,
    });
    const result = runCli(['check', '--project', 'tsconfig.jobs.json', '--format', 'json'], dir);
    expect(parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line}`)).toEqual([
      'jobs/a.ts:2',
    ]);
  });
});

describe('premortem check usage errors exit 2 with a message that says what to do', () => {
  const dir = createProject({ 'tsconfig.json': strictTsconfig, 'src/a.ts': 'export const a = 1;\n' });

  it('rejects a --project that does not exist', () => {
    const result = runCli(['check', '--project', 'nope/tsconfig.json'], dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--project nope\/tsconfig\.json: no such file or folder\. Pass a tsconfig\.json/);
  });

  it('rejects an unknown flag', () => {
    const result = runCli(['check', '--frobnicate'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(result.stderr).toMatch(/premortem --help/);
  });

  it('rejects an unknown rule and lists the known ones', () => {
    const result = runCli(['check', '--rule', 'no-such-rule'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown rule "premortem\/no-such-rule"\. Known rules: .*premortem\/no-floating-promises/);
  });

  it('rejects an unknown format', () => {
    const result = runCli(['check', '--format', 'xml'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are stylish, json/);
  });

  it('rejects a --max-warnings that is not a number', () => {
    const result = runCli(['check', '--max-warnings', 'many'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--max-warnings takes a whole number, got "many"/);
  });

  it('rejects a path that does not exist', () => {
    const result = runCli(['check', 'src/missing.ts'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Path not found: .*missing\.ts/);
  });

  it('rejects an invalid tsconfig naming the file', () => {
    const broken = createProject({ 'tsconfig.json': '{ "compilerOptions": { ', 'src/a.ts': 'export {};\n' });
    const result = runCli(['check'], broken);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Cannot read .*tsconfig\.json: .*Fix the file or pass another one with --project/);
  });

  it('shows help and exits 2 when no command is given', () => {
    const result = runCli([], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Usage: premortem/);
  });
});

describe('premortem check options', () => {
  it('prints time per phase and per rule with --timing, on stderr only', () => {
    const dir = createProject(serviceFiles);
    const result = runCli(['check', '--timing', '--format', 'json'], dir);
    expect(parseReport(result.stdout).version).toBe(1);
    expect(result.stderr).toMatch(/create program\s+\d+\.\d/);
    expect(result.stderr).toMatch(/premortem\/no-floating-promises\s+\d+\.\d/);
    expect(result.stderr).toMatch(/total\s+\d+\.\d/);
  });

  it('runs only the rules given with --rule', () => {
    const dir = createProject(serviceFiles);
    const result = runCli(['check', '--rule', 'premortem/no-floating-promises', '--format', 'json'], dir);
    const ids = new Set(parseReport(result.stdout).findings.map((f) => f.ruleId));
    expect([...ids]).toEqual(['premortem/no-floating-promises']);
  });

  it('reports void in server code with --preset strict only', () => {
    const dir = createProject({
      'tsconfig.json': strictTsconfig,
      'src/worker.ts': `async function tick(): Promise<void> { throw new Error(); }\nexport function start() {\n  void tick();\n}\n`,
    });
    expect(runCli(['check'], dir).status).toBe(0);
    const strict = runCli(['check', '--preset', 'strict', '--format', 'json'], dir);
    expect(strict.status).toBe(1);
    expect(parseReport(strict.stdout).findings[0]).toMatchObject({ file: 'src/worker.ts', line: 3, column: 3 });
  });
});
