import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProjectRoot, formatMarkdown, type Finding } from '@premortem/core';
import { parseReport, repoRoot, runCli, type CliResult } from '../support/cli.js';
import { sarifValidator } from '../support/sarif.js';

// The fixture app has a finding with a mount path and route files with `[param]` folders: the
// cases a format most easily gets wrong.
const app = path.join(repoRoot, 'fixtures/calendar-app');
// CI formats name files from the repository root, as GitHub shows them.
const prefix = path.relative(findProjectRoot(app), app).split(path.sep).join('/') + '/';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'premortem-formats-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('check --format', () => {
  let json: ReturnType<typeof parseReport>;
  beforeAll(() => {
    json = parseReport(runCli(['check', '--preset', 'strict', '--format', 'json'], app).stdout);
  });

  it('sarif: valid SARIF 2.1.0 with rules, help links, fingerprints and the mount path as a code flow', () => {
    const result = runCli(['check', '--preset', 'strict', '--format', 'sarif'], app);
    expect(result.status).toBe(1);
    const log = JSON.parse(result.stdout) as Log;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // The validator is live: a level SARIF does not know is rejected.
    expect(validate({ ...log, runs: [{ ...log.runs[0]!, results: [{ ...log.runs[0]!.results![0]!, level: 'fatal' as never }] }] })).toBe(false);

    const run = log.runs[0]!;
    const rules = run.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toContain('premortem/no-fetch-on-every-page');
    for (const rule of rules) expect(rule.helpUri).toMatch(/^https:\/\/.+\/rules\/[a-z-]+\/README\.md$/);
    expect(run.results).toHaveLength(json.findings.length);
    for (const sarifResult of run.results!) expect(rules[sarifResult.ruleIndex!]!.id).toBe(sarifResult.ruleId);
    expect(run.results!.map((r) => r.partialFingerprints!['premortem/v1']).sort()).toEqual(json.findings.map((f) => f.fingerprint).sort());

    const uris = run.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri);
    expect(uris).toContain(`${prefix}app/api/bookings/%5Buid%5D/route.ts`);
    const everyPage = run.results!.find((r) => r.ruleId === 'premortem/no-fetch-on-every-page')!;
    const flow = everyPage.codeFlows![0]!.threadFlows[0]!.locations.map((l) => `${l.location!.physicalLocation!.artifactLocation!.uri}:${l.location!.message!.text}`);
    expect(flow[0]).toBe(`${prefix}app/layout.tsx:app/layout.tsx (root layout, RootLayout)`);
    expect(flow.at(-1)!.startsWith(`${prefix}src/server/routers/bookings.ts:Booking.findMany`)).toBe(true);
  });

  it('github: one escaped workflow command per finding, and a job summary when the runner asks for one', () => {
    const summary = path.join(scratch, 'summary.md');
    const sarifFile = path.join(scratch, 'also.sarif');
    const result: CliResult = runCli(['check', '--preset', 'strict', '--format', 'github', '--sarif-file', sarifFile], app, { GITHUB_STEP_SUMMARY: summary });
    expect(result.status).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(json.findings.length);
    for (const line of lines) expect(line).toMatch(/^::(error|warning) file=[^,]+,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=premortem\/[a-z-]+::\S/);
    const everyPage = lines.find((line) => line.includes('title=premortem/no-fetch-on-every-page'))!;
    // The mount path rides in the message: newlines escaped, never raw.
    expect(everyPage).toContain(`%0A  ↳ <CommandPalette> (${prefix}app/layout.tsx:`);
    const errors = json.findings.filter((f) => f.severity === 'error').length;
    const files = new Set(json.findings.map((f) => f.file)).size;
    expect(errors).toBeGreaterThan(10);
    expect(readFileSync(summary, 'utf8').split('\n')[0]).toBe(`### Premortem: ${errors} errors, ${json.findings.length - errors} warnings in ${files} files`);
    // The same run also wrote SARIF (--sarif-file): one analysis for annotations and code scanning.
    const alsoSarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as Log;
    expect(sarifValidator()(alsoSarif)).toBe(true);
    expect(alsoSarif.runs[0]!.results).toHaveLength(json.findings.length);
  });

  it('markdown: a table with one row per finding', () => {
    const result = runCli(['check', '--preset', 'strict', '--format', 'markdown'], app);
    const rows = result.stdout.split('\n').filter((line) => /^\| (🔴|🟡) \|/.test(line));
    expect(rows).toHaveLength(json.findings.length);
    expect(rows.join('\n')).toContain(`[no-unbounded-query](https://github.com/premortem/premortem/blob/main/rules/no-unbounded-query/README.md) | \`${prefix}src/server/routers/bookings.ts:26\``);
  });
});

describe('formatMarkdown', () => {
  const finding: Finding = {
    ruleId: 'premortem/no-unbounded-query',
    severity: 'warning',
    file: '/repo/src/a.ts',
    line: 3,
    column: 1,
    endLine: 3,
    endColumn: 9,
    message: 'a | b\n<script>',
    fingerprint: 'f',
  };

  it('keeps a message inside its cell and counts what it leaves out', () => {
    const text = formatMarkdown([finding, { ...finding, line: 4 }], { root: '/repo', files: 1, limit: 1 });
    expect(text).toContain('| 🟡 | [no-unbounded-query](https://github.com/premortem/premortem/blob/main/rules/no-unbounded-query/README.md) | `src/a.ts:3` | a \\| b<br>&lt;script> |');
    expect(text).toContain('…and 1 more');
    expect(text.startsWith('### Premortem: 0 errors, 2 warnings in 1 file\n')).toBe(true);
  });

  it('says so when there is nothing to report', () => {
    expect(formatMarkdown([], { root: '/repo', files: 12 })).toBe('### Premortem: no problems found\n\n12 files analyzed.\n');
  });
});
