import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runActionCheckStep } from '../support/action-check-step.js';
import { repoRoot } from '../support/cli.js';

interface Step {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface ActionFile {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as ActionFile;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'premortem-action-yml-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The action's check step is a bash script; it is run here as the runner would run it.
describe('action.yml', () => {
  it('declares every input its steps read', () => {
    const used = new Set([...JSON.stringify(action.runs.steps).matchAll(/inputs\.([a-z-]+)/g)].map((match) => match[1]));
    expect([...used].filter((name) => !(name! in action.inputs))).toEqual([]);
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif'))?.with?.sarif_file).toBe('${{ inputs.working-directory }}/${{ inputs.sarif-file }}');
  });

  it('check mode annotates, writes SARIF from the same run and reports the exit code', () => {
    const { result, output, sarif } = runActionCheckStep(repoRoot, scratch, { paths: 'fixtures/calendar-app', preset: 'strict' });
    expect(result.status).toBe(0); // the step records the code; a later step fails the job
    expect(output).toBe('exit-code=1\n');
    expect(result.stdout).toMatch(/^::error file=fixtures\/calendar-app\/app\/api\/bookings\/\[uid\]\/route\.ts,line=7,/m);
    expect(existsSync(sarif)).toBe(true);
    expect((JSON.parse(readFileSync(sarif, 'utf8')) as { version: string }).version).toBe('2.1.0');
  });

  it('check mode runs in working-directory with the extra args, and annotates paths from the repository root', () => {
    const { result, output } = runActionCheckStep(path.join(repoRoot, 'fixtures/calendar-app'), scratch, { paths: '.', preset: 'strict', args: '--rule no-unbounded-retry' });
    expect(output).toBe('exit-code=1\n');
    const annotated = [...result.stdout.matchAll(/^::(?:error|warning) file=([^,]+),.*title=([^,:]+)/gm)].map((match) => `${match[1]!.split('/').slice(0, 2).join('/')} ${match[2]}`);
    expect(annotated.length).toBeGreaterThan(0);
    expect(new Set(annotated)).toEqual(new Set(['fixtures/calendar-app premortem/no-unbounded-retry']));
  });
});
