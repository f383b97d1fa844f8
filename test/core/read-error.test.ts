import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeReadFailure, READ_ERROR_RULE_ID, toSarif, type Finding } from '@premortem/core';
import { rules } from '@premortem/rules';

const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-read-error-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('premortem/read-error in SARIF', () => {
  const finding: Finding = {
    ruleId: READ_ERROR_RULE_ID,
    severity: 'error',
    file: path.join(work, 'src/pipe.ts'),
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    message: 'This file could not be read (it is a FIFO (named pipe), not a file); no rule could check it.',
    fingerprint: '0'.repeat(32),
  };

  it('declares the engine rule its result points at, as it does for parse errors', () => {
    const run = toSarif([finding], rules, { root: work, version: '0.0.0' }).runs[0]!;
    const declared = run.tool.driver.rules!.map((rule) => rule.id);
    expect(declared.at(-1)).toBe(READ_ERROR_RULE_ID);
    expect(run.results![0]).toMatchObject({ ruleId: READ_ERROR_RULE_ID, ruleIndex: declared.length - 1, level: 'error' });
  });

  it('declares no engine rule when no result needs it (the twin)', () => {
    const run = toSarif([], rules, { root: work, version: '0.0.0' }).runs[0]!;
    expect(run.tool.driver.rules!.map((rule) => rule.id)).not.toContain(READ_ERROR_RULE_ID);
  });
});

// Kept apart from the CLI tests: the reasons, for every kind of entry that is not a readable file.
describe('why a file cannot be read', () => {
  mkdirSync(path.join(work, 'src'), { recursive: true });
  writeFileSync(path.join(work, 'src/ok.ts'), 'export {};\n');
  mkdirSync(path.join(work, 'src/folder.ts'));
  symlinkSync('nowhere.ts', path.join(work, 'src/dangling.ts'));
  symlinkSync('loop.ts', path.join(work, 'src/loop.ts'));
  execFileSync('mkfifo', [path.join(work, 'src/pipe.ts')]);

  it.each([
    ['ok.ts', undefined],
    ['folder.ts', 'it is a folder, not a file'],
    ['dangling.ts', 'it is a symbolic link to nowhere.ts, which does not exist'],
    ['loop.ts', 'ELOOP: too many symbolic links encountered'],
    ['pipe.ts', 'it is a FIFO (named pipe), not a file'],
    ['missing.ts', 'ENOENT: no such file or directory'],
  ])('%s: %s', (name, reason) => {
    expect(describeReadFailure(path.join(work, 'src', name))).toBe(reason);
  });
});
