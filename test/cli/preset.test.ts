import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { highPrecisionKinds } from '@premortem/core';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';

const floating = {
  'tsconfig.json': strictTsconfig,
  'package.json': JSON.stringify({ name: 'app', type: 'module' }),
  'src/save.ts': `
async function save(id: string): Promise<void> {
  if (!id) throw new Error('no id');
}
export function handler(id: string): void {
  save(id);
}
`,
};

// Which kinds `recommended` reports comes from the labels; these tests hold whatever they measured.
const floatingIsRecommended = highPrecisionKinds(rules.find((rule) => rule.name === 'no-floating-promises')!.meta).includes('floating');

describe('choosing the preset', () => {
  it('without a config or --preset runs recommended: only kinds measured as high precision, and says when that is nothing', () => {
    const dir = createProject(floating, { everyRule: false });
    const result = runCli(['check', '--format', 'json'], dir);
    const reported = parseReport(result.stdout).findings.map((finding) => `${finding.ruleId}:${finding.kind}`);
    expect(reported).toEqual(floatingIsRecommended ? ['premortem/no-floating-promises:floating'] : []);
    expect(result.status).toBe(floatingIsRecommended ? 1 : 0);
    const recommendedRuns = rules.some((rule) => highPrecisionKinds(rule.meta).length > 0);
    if (!recommendedRuns) expect(result.stderr).toContain('no rule ran: `recommended` reports only kinds of finding measured as high precision');
  });

  it('takes `preset: strict` from .github/premortem.yml, and --preset over the config', () => {
    const dir = createProject({ ...floating, '.github/premortem.yml': 'preset: strict\n' });
    const strict = runCli(['check', '--format', 'json'], dir);
    expect(strict.status).toBe(1);
    expect(parseReport(strict.stdout).findings.map((finding) => `${finding.file}:${finding.line} ${finding.kind}`)).toEqual(['src/save.ts:6 floating']);
    const recommended = runCli(['check', '--preset', 'recommended', '--format', 'json'], dir);
    expect(parseReport(recommended.stdout).findings).toHaveLength(floatingIsRecommended ? 1 : 0);
  });

  it('turns a rule the preset leaves out on, with every kind, when the config names it', () => {
    const dir = createProject({ ...floating, '.github/premortem.yml': 'rules:\n  no-floating-promises: warn\n' });
    const result = runCli(['check', '--format', 'json'], dir);
    expect(parseReport(result.stdout).findings.map((finding) => [finding.kind, finding.severity])).toEqual([['floating', 'warning']]);
  });

  it('rejects a preset the config misspells, naming the key', () => {
    const dir = createProject({ ...floating, '.github/premortem.yml': 'preset: strcit\n' });
    const result = runCli(['check'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/preset: Invalid option: expected one of "recommended"\|"strict"/);
  });
});
