import { describe, expect, it } from 'vitest';
import { changedLinesFromDiff, changedLinesFromPatch, commentableLines, mountPathDiagram, planReview, type Finding, type QueryEstimate } from '@premortem/core';

const root = '/repo';
const finding = (file: string, line: number, overrides: Partial<Finding> = {}): Finding => ({
  ruleId: 'premortem/no-floating-promises',
  severity: 'error',
  file: `${root}/${file}`,
  line,
  column: 3,
  endLine: line,
  endColumn: 10,
  message: `problem at ${file}:${line}`,
  fingerprint: `fp-${file}-${line}`,
  ...overrides,
});
const query = (file: string, line: number, overrides: Partial<QueryEstimate> = {}): QueryEstimate => ({
  file: `${root}/${file}`,
  line,
  endLine: line + 4,
  model: 'Booking',
  operation: 'findMany',
  bounded: true,
  index: 'Booking(userId)',
  estimatedRows: 20,
  costClass: 'bounded by take',
  ...overrides,
});
const changes = (entries: Record<string, number[] | 'all'>) => new Map(Object.entries(entries).map(([file, lines]) => [file, lines === 'all' ? 'all' : new Set(lines)] as const));

describe('planReview', () => {
  it('keeps only findings the change touched, inline on their changed line', () => {
    const plan = planReview({
      root,
      findings: [finding('src/a.ts', 5), finding('src/a.ts', 40), finding('src/b.ts', 2), finding('src/new.ts', 9)],
      changes: changes({ 'src/a.ts': [5, 6], 'src/new.ts': 'all' }),
    });
    expect(plan.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['/repo/src/a.ts:5', '/repo/src/new.ts:9']);
    expect(plan.inline.map((c) => `${c.path}:${c.line}`)).toEqual(['src/a.ts:5', 'src/new.ts:9']);
    expect(plan.inline[0]!.body).toContain('<!-- premortem:finding fp-src/a.ts-5 -->');
    expect(plan.annotations).toEqual([
      { path: 'src/a.ts', start_line: 5, end_line: 5, annotation_level: 'failure', title: 'premortem/no-floating-promises', message: 'problem at src/a.ts:5' },
      { path: 'src/new.ts', start_line: 9, end_line: 9, annotation_level: 'failure', title: 'premortem/no-floating-promises', message: 'problem at src/new.ts:9' },
    ]);
    expect({ conclusion: plan.conclusion, title: plan.title }).toEqual({ conclusion: 'failure', title: '2 errors on the changed lines' });
  });

  it('concludes as configured when the only errors are files premortem could not check, and fails on any other error', () => {
    const unchecked = finding('src/generated/deep.ts', 1, { ruleId: 'premortem/analysis-error', message: 'This file nests too deeply to analyze.' });
    const input = { root, changes: changes({ 'src/generated/deep.ts': 'all', 'src/a.ts': [5] }) };
    expect(planReview({ ...input, findings: [unchecked] }).conclusion).toBe('failure');
    expect(planReview({ ...input, findings: [unchecked], incompleteConclusion: 'failure' }).conclusion).toBe('failure');
    expect(planReview({ ...input, findings: [unchecked], incompleteConclusion: 'neutral' }).conclusion).toBe('neutral');
    // A real error beside it still fails, whatever the setting.
    expect(planReview({ ...input, findings: [unchecked, finding('src/a.ts', 5)], incompleteConclusion: 'neutral' }).conclusion).toBe('failure');
  });

  it('anchors a finding reached through its path on the changed step, and says where it was reported', () => {
    const everyPage = finding('src/hooks/useSearch.ts', 14, {
      ruleId: 'premortem/no-fetch-on-every-page',
      path: [
        { file: `${root}/app/layout.tsx`, line: 11, label: 'app/layout.tsx (root layout)' },
        { file: `${root}/app/layout.tsx`, line: 17, label: '<CommandPalette>' },
        { file: `${root}/src/hooks/useSearch.ts`, line: 14, label: 'trpc.search.useQuery()' },
      ],
    });
    const plan = planReview({ root, findings: [everyPage], changes: changes({ 'app/layout.tsx': [3, 17] }) });
    expect(plan.inline.map((c) => `${c.path}:${c.line}`)).toEqual(['app/layout.tsx:17']);
    expect(plan.inline[0]!.body).toContain('Reported at `src/hooks/useSearch.ts:14`; this change is on its path.');
    expect(plan.summary).toContain('### Why `src/hooks/useSearch.ts:14` runs on every page');
    expect(plan.summary).toContain('step1["#lt;CommandPalette#gt;<br/>app/layout.tsx:17"]');
  });

  it('anchors only on lines GitHub accepts: inside the hunks', () => {
    const plan = planReview({
      root,
      findings: [finding('src/a.ts', 5, { endLine: 8 }), finding('src/huge.ts', 3)],
      changes: changes({ 'src/a.ts': [5, 7], 'src/huge.ts': 'all' }),
      // Line 5 is a changed line GitHub does not show (say, outside a truncated hunk); huge.ts has no patch at all.
      commentable: new Map([['src/a.ts', new Set([6, 7, 8])]]),
    });
    expect(plan.inline.map((c) => `${c.path}:${c.line}`)).toEqual(['src/a.ts:7']);
    expect(plan.summary.match(/_\(summary only\)_/g)).toHaveLength(1);
  });

  it('caps inline comments, skips findings commented on before, and keeps both in the summary', () => {
    const findings = [1, 2, 3, 4].map((line) => finding('src/a.ts', line, { severity: 'warning' }));
    const plan = planReview({ root, findings, changes: changes({ 'src/a.ts': 'all' }), maxInlineComments: 2, alreadyCommented: new Set(['fp-src/a.ts-1']) });
    expect(plan.inline.map((c) => c.line)).toEqual([2, 3]);
    expect(plan.summary.match(/_\(summary only\)_/g)).toHaveLength(1); // line 4; line 1 has its earlier comment
    expect({ conclusion: plan.conclusion, title: plan.title }).toEqual({ conclusion: 'neutral', title: '4 warnings on the changed lines' });
    expect(plan.annotations.every((a) => a.annotation_level === 'warning')).toBe(true);
  });

  it('concludes success with nothing to say, and the summary says so', () => {
    const plan = planReview({ root, findings: [finding('src/a.ts', 40)], changes: changes({ 'src/a.ts': [1] }) });
    expect({ conclusion: plan.conclusion, inline: plan.inline, annotations: plan.annotations }).toEqual({ conclusion: 'success', inline: [], annotations: [] });
    expect(plan.summary).toContain('## Premortem: ✅ No problems on the changed lines');
    expect(plan.summary).not.toContain('| Rule |');
  });

  it('lists queries the change added or edited with their cost before and after', () => {
    const plan = planReview({
      root,
      findings: [finding('src/router.ts', 30, { ruleId: 'premortem/no-unbounded-query' })],
      // The edit removed a `take` inside the call at line 30 (lines 30–34); the query at 60 is untouched.
      changes: changes({ 'src/router.ts': [33], 'src/new.ts': 'all' }),
      queries: [
        query('src/router.ts', 30, { bounded: false, index: 'none', estimatedRows: 12000, costClass: 'grows with the table' }),
        query('src/router.ts', 60),
        query('src/new.ts', 3, { model: 'User', operation: 'findUnique', estimatedRows: 1, costClass: 'one row by unique key' }),
      ],
      base: { root: '/base', queries: [query('src/router.ts', 29), query('src/router.ts', 59)].map((q) => ({ ...q, file: q.file.replace(root, '/base') })) },
    });
    expect(plan.queries.map((q) => [q.file, q.line, q.base?.line ?? null])).toEqual([
      ['src/router.ts', 30, 29],
      ['src/new.ts', 3, null],
    ]);
    expect(plan.summary).toContain('| `Booking.findMany` | `src/router.ts:30` | none | **no** | ~20 rows (bounded by take) | ~12,000 rows (grows with the table) |');
    expect(plan.summary).toContain('| `User.findUnique` | `src/new.ts:3` | Booking(userId) | yes | _new_ | ~1 row (one row by unique key) |');
    // The finding sits on the call's first line; the change is three lines into its arguments.
    expect(plan.inline.map((c) => `${c.path}:${c.line}`)).toEqual(['src/router.ts:33']);
  });

  it('escapes table cells and links locations when it can', () => {
    const plan = planReview({
      root,
      findings: [finding('src/a.ts', 1, { message: 'a | b <script>' })],
      changes: changes({ 'src/a.ts': [1] }),
      blobUrl: (file, line) => `https://github.com/o/r/blob/abc/${file}#L${line}`,
    });
    expect(plan.summary).toContain('| [`src/a.ts:1`](https://github.com/o/r/blob/abc/src/a.ts#L1) | a \\| b &lt;script> |');
  });
});

describe('diff lines', () => {
  it('a hunk that only deletes marks the lines on both sides of the deletion', () => {
    const diff = 'diff --git a/f.ts b/f.ts\n--- a/f.ts\n+++ b/f.ts\n@@ -35 +34,0 @@\n-      take: 20,\n';
    expect([...(changedLinesFromDiff(diff).get('f.ts') as Set<number>)]).toEqual([34, 35]);
  });

  it('comments may sit on added and context lines of a hunk, nowhere else', () => {
    const patch = '@@ -10,3 +10,4 @@ function f() {\n a\n-b\n+c\n+d\n e\n';
    expect([...commentableLines(patch)].sort((x, y) => x - y)).toEqual([10, 11, 12, 13]);
    // The deleted `b` also marks the line before it: a removed argument changes its call.
    expect([...(changedLinesFromPatch('f.ts', patch).get('f.ts') as Set<number>)].sort((x, y) => x - y)).toEqual([10, 11, 12]);
  });

  it('mountPathDiagram escapes what Mermaid would read as syntax', () => {
    expect(mountPathDiagram([{ file: '/r/a.tsx', line: 1, label: 'say "hi" #1 <X>' }], (f) => f.slice(3))).toBe(
      'flowchart TD\n  step0["say #quot;hi#quot; #35;1 #lt;X#gt;<br/>a.tsx:1"]\n  style step0 stroke:#d73a49,stroke-width:2px',
    );
  });
});
