import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// The hosted bot sees a repository as a tarball: no node_modules, no generated client. The Prisma
// rules must then recognize the same calls from schema.prisma and the call shapes alone.
const fixture = path.join(repoRoot, 'fixtures/calendar-app');
const bare = mkdtempSync(path.join(os.tmpdir(), 'premortem-bare-'));
cpSync(fixture, bare, {
  recursive: true,
  filter: (source) => !/[\\/](node_modules|generated)([\\/]|$)/.test(path.relative(fixture, source)),
});
// In this repository every fixture file is in scope and strict applies (its .github/premortem.yml); so in the copy.
mkdirSync(path.join(bare, '.github'), { recursive: true });
writeFileSync(path.join(bare, '.github/premortem.yml'), 'preset: strict\nscope:\n  defaults: false\n');
afterAll(() => rmSync(bare, { recursive: true, force: true }));

const prismaRules = ['--rule', 'no-unbounded-query', '--rule', 'no-query-in-loop'];

describe('Prisma rules with and without the generated client', () => {
  it('report the same findings on the fixture app', () => {
    const withClient = parseReport(runCli(['check', '.', '--format', 'json', ...prismaRules], fixture).stdout);
    const withoutClient = parseReport(runCli(['check', '.', '--format', 'json', ...prismaRules], bare).stdout);
    const where = (f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`;
    expect(withClient.findings.length).toBeGreaterThanOrEqual(3);
    expect(withoutClient.findings.map(where)).toEqual(withClient.findings.map(where));
  });

  it('list the same query sites', () => {
    const withClient = parseReport(runCli(['queries', '--format', 'json'], fixture).stdout).queries;
    const withoutClient = parseReport(runCli(['queries', '--format', 'json'], bare).stdout).queries;
    expect(withClient.length).toBeGreaterThan(30);
    expect(withoutClient.map((q) => `${q.file}:${q.line} ${q.model}.${q.operation} ${q.index}`)).toEqual(
      withClient.map((q) => `${q.file}:${q.line} ${q.model}.${q.operation} ${q.index}`),
    );
  });
});
