import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { expect } from 'vitest';
import { parseReport, runCli } from './cli.js';

/** `file:line` of every `// expect: <rule>` label in a corpus. */
export function labelledLines(corpus: string, rule: string): string[] {
  const mark = `expect: ${rule}`;
  return globSync(['**/*.{ts,tsx}'], { cwd: corpus, ignore: ['node_modules/**'] }).flatMap((file) =>
    readFileSync(path.join(corpus, file), 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.includes(mark) ? [`${file}:${index + 1}`] : [])),
  );
}

/** Runs the CLI with only `rules` on `dir` and asserts each reports exactly the labelled lines of `corpus`. */
export function expectExactlyLabelled(dir: string, corpus: string, rules: readonly string[], minimumLabels: number): void {
  const result = runCli(['check', '.', '--format', 'json', ...rules.flatMap((rule) => ['--rule', rule])], dir);
  expect(result.stderr).not.toContain('premortem bug');
  const findings = parseReport(result.stdout).findings;
  for (const rule of rules) {
    const reported = findings.filter((f) => f.ruleId === `premortem/${rule}`).map((f) => `${f.file}:${f.line}`);
    const expected = labelledLines(corpus, rule);
    expect(expected.length, rule).toBeGreaterThan(minimumLabels);
    const falsePositives = reported.filter((line) => !expected.includes(line));
    const misses = expected.filter((line) => !reported.includes(line));
    expect({ rule, falsePositives, misses }).toEqual({ rule, falsePositives: [], misses: [] });
    expect(reported, rule).toHaveLength(expected.length);
  }
}
