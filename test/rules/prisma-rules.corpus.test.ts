import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// Written from the rules' specification by someone who had not read the detectors: 22 files of
// routers, services, jobs and look-alikes, no generated client, `// expect: <rule>` labels.
const corpus = path.join(repoRoot, 'fixtures/corpus/prisma-rules');

/** Labels the rules deliberately do not follow, each documented in the rule's README. */
const DELIBERATE = {
  // groupBy over an enum returns one group per value: bounded (no-unbounded-query README).
  'src/server/routers/booking.ts:45 premortem/no-unbounded-query': 'groupBy by an enum',
  // A map handed to $transaction is the batched form the message recommends (no-query-in-loop README).
  'src/services/checkout.ts:74 premortem/no-query-in-loop': '$transaction(items.map(…))',
  // One write with an `in` list per page of a paging loop is batched already: the loop walks pages,
  // not rows (issue 21; no-query-in-loop README, "Chunks and pages").
  'src/jobs/cleanup.ts:16 premortem/no-query-in-loop': 'deleteMany({ in: page ids }) per page',
  'src/jobs/invoice-reminders.ts:21 premortem/no-query-in-loop': 'updateMany({ in: page ids }) per page',
};

function labelled(): string[] {
  return globSync('src/**/*.ts', { cwd: corpus }).flatMap((file) =>
    readFileSync(path.join(corpus, file), 'utf8')
      .split('\n')
      .flatMap((line, index) => {
        const rule = /\/\/ expect: (no-[\w-]+)/.exec(line)?.[1];
        return rule ? [`${file}:${index + 1} premortem/${rule}`] : [];
      }),
  );
}

describe('Prisma rules on the labelled corpus', () => {
  it('report every labelled line but the documented disagreements, and nothing else', () => {
    const result = runCli(['check', '.', '--format', 'json', '--rule', 'no-unbounded-query', '--rule', 'no-query-in-loop'], corpus);
    const reported = parseReport(result.stdout).findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`);
    const expected = labelled();
    expect(expected.length).toBeGreaterThan(50);
    expect(reported.filter((r) => !expected.includes(r))).toEqual([]);
    expect(expected.filter((e) => !reported.includes(e)).sort()).toEqual(Object.keys(DELIBERATE).sort());
  });
});
