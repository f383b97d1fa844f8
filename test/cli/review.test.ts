import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewPlan } from '@premortem/core';
import { runCli } from '../support/cli.js';
import { git } from '../support/git.js';
import { applyState, writeCalendarApp } from '../support/calendar-pull-request.js';

// The KBar pull request on a real git repository: main holds the base, the branch the change.
describe('premortem review --base', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-review-'));
    writeCalendarApp(dir, 'base');
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'checkout', '-qb', 'kbar');
    applyState(dir, 'head');
    git(dir, 'commit', '-qam', 'command palette');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints inline comments on changed lines only, the query costs before and after, and the mount path; exit 1', () => {
    const result = runCli(['review', '--base', 'main', '--format', 'json'], dir);
    expect(result.stderr).not.toContain('internal error');
    expect(result.status).toBe(1);
    const plan = JSON.parse(result.stdout) as ReviewPlan;
    expect(plan.conclusion).toBe('failure');
    // The every-page finding sits in the hook, which this change did not edit: its comment goes on the
    // layout line that mounts the palette. The unbounded search is anchored where its `take` went.
    expect(plan.inline.map((c) => `${c.path}:${c.line}`)).toEqual(['app/layout.tsx:17', 'src/server/routers/bookings.ts:34']);
    expect(plan.findings.map((f) => f.ruleId).sort()).toEqual(['premortem/no-fetch-on-every-page', 'premortem/no-unbounded-query']);
    // Untouched hazards of the app (the unlimited DELETE, the floating promises) are not this PR's.
    expect(plan.findings.some((f) => f.ruleId === 'premortem/require-rate-limit')).toBe(false);
    expect(plan.queries).toHaveLength(1);
    expect(plan.queries[0]).toMatchObject({ file: 'src/server/routers/bookings.ts', line: 26, model: 'Booking', operation: 'findMany', base: { bounded: true }, head: { bounded: false } });
    expect(plan.summary).toContain('<!-- premortem:summary -->');
    expect(plan.summary).toContain('| `Booking.findMany` | `src/server/routers/bookings.ts:26` |');
    expect(plan.summary).toMatch(/```mermaid\nflowchart TD\n {2}step0\["app\/layout\.tsx \(root layout, RootLayout\)<br\/>app\/layout\.tsx:11"\]/);
    expect(plan.summary).toContain('step1["#lt;CommandPalette#gt;<br/>app/layout.tsx:17"]');
    expect(plan.annotations.map((a) => a.annotation_level)).toEqual(['failure', 'failure']);
  });

  it('as text, shows each comment under its location; a fixed branch concludes success', () => {
    const text = runCli(['review', '--base', 'main'], dir);
    expect(text.stdout).toContain('premortem review: 2 errors on the changed lines since main');
    expect(text.stdout).toContain('── Inline comments (2) ──\n\napp/layout.tsx:17\n  **🔴 [premortem/no-fetch-on-every-page]');

    applyState(dir, 'fixed');
    const fixed = runCli(['review', '--base', 'main', '--format', 'json'], dir);
    const plan = JSON.parse(fixed.stdout) as ReviewPlan;
    expect({ status: fixed.status, conclusion: plan.conclusion, inline: plan.inline, findings: plan.findings.length }).toEqual({ status: 0, conclusion: 'success', inline: [], findings: 0 });
    expect(plan.summary).toContain('## Premortem: ✅ No problems on the changed lines');
    applyState(dir, 'head');
  });

  it('says what is wrong with a bad ref or a missing --base', () => {
    expect(runCli(['review', '--base', 'no-such-branch'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('--base: "no-such-branch" is not a commit in this repository.') as unknown });
    expect(runCli(['review'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining("required option '--base <ref>' not specified") as unknown });
  });
});
