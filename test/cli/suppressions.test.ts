import { describe, expect, it } from 'vitest';
import { runActionCheckStep } from '../support/action-check-step.js';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';

// What `// eslint-disable-next-line premortem/…` silences in the editor is silent in the CLI and
// the Action too (the bot's test is in test/bot/review-bot.e2e.test.ts).
const files = {
  'tsconfig.json': strictTsconfig,
  'src/jobs.ts': [
    'export async function sync(): Promise<void> { throw new Error(); }',
    'export function start() {',
    '  // eslint-disable-next-line premortem/no-floating-promises -- sync logs its own failures',
    '  sync();',
    '  sync(); // eslint-disable-line premortem/no-floating-promises',
    '  // eslint-disable-next-line @typescript-eslint/no-floating-promises',
    '  sync();',
    '  /* eslint-disable premortem/no-floating-promises */',
    '  sync();',
    '  /* eslint-enable premortem/no-floating-promises */',
    '  sync();',
    '  // eslint-disable-next-line premortem/no-query-in-loop',
    '  console.log("nothing to silence");',
    '}',
    '',
  ].join('\n'),
};
const lines = (stdout: string) => parseReport(stdout).findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`);

describe('ESLint disable directives in the CLI', () => {
  it('silence the lines and regions they name; another tool’s rule id silences nothing of ours', () => {
    const result = runCli(['check', '--format', 'json', '--preset', 'strict'], createProject(files));
    expect(lines(result.stdout)).toEqual(['premortem/no-floating-promises src/jobs.ts:7', 'premortem/no-floating-promises src/jobs.ts:11']);
  });

  it('report a directive that silenced nothing when asked, as a warning', () => {
    const result = runCli(['check', '--format', 'json', '--preset', 'strict', '--report-unused-disable-directives'], createProject(files));
    const report = parseReport(result.stdout);
    expect(lines(result.stdout)).toEqual([
      'premortem/no-floating-promises src/jobs.ts:7',
      'premortem/no-floating-promises src/jobs.ts:11',
      'premortem/unused-disable-directive src/jobs.ts:12',
    ]);
    const unused = report.findings.at(-1)!;
    expect(unused.severity).toBe('warning');
    expect(unused.message).toContain('no problem from premortem/no-query-in-loop');
  });
});

describe('ESLint disable directives in the Action', () => {
  it('leave no annotation on a silenced line', () => {
    const dir = createProject(files);
    const { result, output } = runActionCheckStep(dir, dir, { paths: '.', preset: 'strict' });
    expect(result.status).toBe(0);
    expect(output).toBe('exit-code=1\n');
    expect([...result.stdout.matchAll(/^::error file=([^,]+),line=(\d+),/gm)].map((m) => `${m[1]}:${m[2]}`)).toEqual(['src/jobs.ts:7', 'src/jobs.ts:11']);
  });
});

describe("ESLint's bulk suppressions (eslint-suppressions.json)", () => {
  const legacy = {
    'tsconfig.json': strictTsconfig,
    'src/jobs.ts': 'export async function sync(): Promise<void> { throw new Error(); }\nexport function start() {\n  sync();\n  sync();\n}\n',
    'src/other.ts': "import { sync } from './jobs';\nexport function again() {\n  sync();\n}\n",
  };
  const suppressions = (count: number) => JSON.stringify({ 'src/jobs.ts': { 'premortem/no-floating-promises': { count } } });
  const check = (extra: Record<string, string>) => runCli(['check', '--format', 'json', '--preset', 'strict'], createProject({ ...legacy, ...extra }));

  it('suppress the errors ESLint recorded for a rule in a file, and not those of other files', () => {
    const result = check({ 'eslint-suppressions.json': suppressions(2) });
    expect(lines(result.stdout)).toEqual(['premortem/no-floating-promises src/other.ts:3']);
    expect(result.stderr).toContain('2 finding(s) suppressed by eslint-suppressions.json');
  });

  it('report all of them again when there are more than recorded, as ESLint does', () => {
    expect(lines(check({ 'eslint-suppressions.json': suppressions(1) }).stdout)).toEqual([
      'premortem/no-floating-promises src/jobs.ts:3',
      'premortem/no-floating-promises src/jobs.ts:4',
      'premortem/no-floating-promises src/other.ts:3',
    ]);
  });

  it('stop the run with a clear message when the file is not ESLint’s format', () => {
    const result = check({ 'eslint-suppressions.json': JSON.stringify({ 'src/jobs.ts': { 'premortem/no-floating-promises': 2 } }) });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/eslint-suppressions\.json is not ESLint's suppressions format/);
  });
});
