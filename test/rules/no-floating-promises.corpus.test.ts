import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// Corpora written from the rule's specification by people who did not read the detector, with
// `// expect: <rule>` labels: one with hand-written library types (~2,200 lines), one with the
// real libraries installed (express 4, ioredis, bullmq, mongoose, knex, Nest, stripe…; ~2,400 lines).
const corpora = ['fixtures/corpus/no-floating-promises', 'fixtures/corpus/no-floating-promises-real-types'];
const MARK = '// expect: no-floating-promises';

function labelled(corpus: string): string[] {
  return globSync('src/**/*.{ts,tsx}', { cwd: corpus }).flatMap((file) =>
    readFileSync(path.join(corpus, file), 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.includes(MARK) ? [`${file}:${index + 1}`] : [])),
  );
}

describe.each(corpora)('no-floating-promises on %s', (name) => {
  const corpus = path.join(repoRoot, name);
  it('reports exactly the labelled lines (precision and recall 1.0, the issue asks for 0.95)', () => {
    // recommended's options (the corpus labels `void` as deliberate) and, asked for by name, every kind.
    const result = runCli(['check', '.', '--format', 'json', '--preset', 'recommended', '--rule', 'no-floating-promises'], corpus);
    const reported = parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line}`);
    const expected = labelled(corpus);
    expect(expected.length).toBeGreaterThan(80);

    const falsePositives = reported.filter((line) => !expected.includes(line));
    const misses = expected.filter((line) => !reported.includes(line));
    expect({ falsePositives, misses }).toEqual({ falsePositives: [], misses: [] });
    expect(reported).toHaveLength(expected.length);
  });
});
