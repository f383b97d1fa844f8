import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// Every query site of the fixture app with its index, bound and estimate, as premortem printed
// them when it read the schema with @mrleebo/prisma-ast (main at 7626aa0). Reading the schema
// with Prisma's own engine must change none of them.
const fixture = path.join(repoRoot, 'fixtures/calendar-app');
const expected = readFileSync(path.join(import.meta.dirname, 'calendar-app.estimates.txt'), 'utf8').trim().split('\n');

describe("the calendar-app's query estimates", () => {
  it('are those the previous parser gave, site by site', () => {
    const result = runCli(['queries', '--format', 'json'], fixture);
    expect(result.status).toBe(0);
    const estimates = parseReport(result.stdout).queries.map(
      (q) => `${q.file}:${q.line} ${q.model}.${q.operation} ${q.index} ${q.bounded ? 'bounded' : 'UNBOUNDED'} ~${q.estimatedRows} ${q.costClass}`,
    );
    expect(expected.length).toBeGreaterThan(40);
    expect(estimates).toEqual(expected);
    expect(result.stderr).not.toMatch(/Prisma schema/);
  });
});
