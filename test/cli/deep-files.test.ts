import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMarkdown, ruleDocsUrl } from '@premortem/core';
import { createProject, parseReport, runCli, strictTsconfig, type CliResult } from '../support/cli.js';
import { sarifValidator } from '../support/sarif.js';

const MARK = '// expect: no-floating-promises';
/** A floating promise on line 2: where it is reported, rules ran on the file. */
const withFloatingPromise = (body: string) => `async function save(): Promise<void> { throw new Error(); }\nexport function go(): void { save(); } ${MARK}\n${body}\n`;
const LEVELS = 20_000;

// Named so that they come first: TypeScript parses them (and overflows) before the healthy file,
// which must not feel it.
const files = {
  'tsconfig.json': strictTsconfig,
  'package.json': JSON.stringify({ name: 'deep-app', type: 'module' }),
  // TypeScript walks a binary chain with a trampoline: this file is analyzed like any other.
  'src/a-sum.ts': withFloatingPromise(`declare const a: number;\nexport const total = ${Array(30_000).fill('a').join(' + ')};`),
  // TypeScript's parser overflows on these.
  'src/b-parentheses.ts': withFloatingPromise(`export const x = ${'('.repeat(LEVELS)}1${')'.repeat(LEVELS)};`),
  'src/c-arrays.ts': withFloatingPromise(`export const x = ${'['.repeat(LEVELS)}1${']'.repeat(LEVELS)};`),
  'src/d-objects.ts': withFloatingPromise(`export const x = ${'{ a: '.repeat(LEVELS)}1${' }'.repeat(LEVELS)};`),
  'src/e-arrows.ts': withFloatingPromise(`export const x = ${'() => '.repeat(LEVELS)}1;`),
  // This one parses (a member chain is parsed in a loop), then would overflow the binder.
  'src/f-members.ts': withFloatingPromise(`declare const o: any;\nexport const x = o${'.a'.repeat(LEVELS)};`),
  'src/service.ts': withFloatingPromise(''),
};

const PARSER_OVERFLOW = "TypeScript's parser ran out of stack on this file (it nests too deeply); no rule checked it.";

describe('premortem check on a project with files too deep to analyze', () => {
  let dir: string;
  let json: CliResult;
  beforeAll(() => {
    dir = createProject(files);
    json = runCli(['check', '--format', 'json'], dir);
  });

  it('exits 1 with every finding of the healthy files and one premortem/analysis-error per deep file, no stack trace', () => {
    expect(json.stderr).not.toMatch(/internal error|RangeError|\n\s+at /);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const report = parseReport(json.stdout);
    expect(report.summary.files).toBe(7);
    expect(report.findings.map((f) => [f.file, f.line, f.column, f.ruleId, f.message])).toEqual([
      ['src/a-sum.ts', 2, 30, 'premortem/no-floating-promises', expect.stringContaining('save(…)')],
      ['src/b-parentheses.ts', 1, 1, 'premortem/analysis-error', PARSER_OVERFLOW],
      ['src/c-arrays.ts', 1, 1, 'premortem/analysis-error', PARSER_OVERFLOW],
      ['src/d-objects.ts', 1, 1, 'premortem/analysis-error', PARSER_OVERFLOW],
      ['src/e-arrows.ts', 1, 1, 'premortem/analysis-error', PARSER_OVERFLOW],
      // Where the limit is passed: every link of `o.a.a…` starts at `o`.
      ['src/f-members.ts', 4, 18, 'premortem/analysis-error', 'This file nests 20,004 levels deep, more than premortem can analyze (limit 300); no rule checked it.'],
      ['src/service.ts', 2, 30, 'premortem/no-floating-promises', expect.stringContaining('save(…)')],
    ]);
    for (const finding of report.findings) expect(finding.severity).toBe('error');
    expect(new Set(report.findings.map((f) => f.fingerprint)).size).toBe(report.findings.length);
  });

  it('carries the new rule id through github annotations and a valid SARIF log', () => {
    const sarifFile = path.join(dir, 'premortem.sarif');
    const result = runCli(['check', '--format', 'github', '--sarif-file', sarifFile], dir);
    expect(result.status).toBe(1);
    const annotations = result.stdout.trim().split('\n');
    expect(annotations.filter((line) => line.includes('title=premortem/analysis-error'))).toHaveLength(5);
    expect(annotations).toContain(`::error file=src/b-parentheses.ts,line=1,endLine=1,col=1,endColumn=1,title=premortem/analysis-error::${PARSER_OVERFLOW}`);

    const log = JSON.parse(readFileSync(sarifFile, 'utf8')) as Log;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules!;
    expect(rules.find((rule) => rule.id === 'premortem/analysis-error')?.shortDescription?.text).toMatch(/could not be analyzed/);
    // Only the engine findings that occurred are described: this run had no syntax error.
    expect(rules.map((rule) => rule.id)).not.toContain('premortem/parse-error');
    expect(run.results).toHaveLength(7);
    for (const sarifResult of run.results!) expect(rules[sarifResult.ruleIndex!]!.id).toBe(sarifResult.ruleId);
  });

  it('names the engine finding in Markdown without a link to a docs page, and still links the rules', () => {
    const findings = parseReport(json.stdout).findings.map((finding) => ({ ...finding, file: path.join(dir, finding.file) }));
    const markdown = formatMarkdown(findings, { root: dir, files: 7 });
    expect(markdown).toContain("| 🔴 | analysis-error | `src/b-parentheses.ts:1` | TypeScript's parser ran out of stack");
    expect(markdown).toContain(`| 🔴 | [no-floating-promises](${ruleDocsUrl('no-floating-promises')}) | \`src/service.ts:2\` |`);
  });
});
