import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile, buildPreset, defineRule, findingKinds, highPrecisionKinds, selectRules, type RuleDefinition } from '@premortem/core';
import { testRuleMeta } from '../support/test-rule-meta.js';

// Two kinds of finding on every call: one measured as high precision, one as low.
const twoKinds = defineRule<'precise' | 'noisy' | 'suggestFix', object>({
  name: 'two-kinds',
  meta: { ...testRuleMeta({ precise: 'precise {{name}}', noisy: 'noisy {{name}}', suggestFix: 'fix it' }), precision: { precise: 'high', noisy: 'low' } },
  create: (context) => ({
    [context.ts.SyntaxKind.CallExpression]: (node) => {
      const name = (node as ts.CallExpression).expression.getText();
      context.report({ node, messageId: 'precise', data: { name } });
      context.report({ node, messageId: 'noisy', data: { name } });
    },
  }),
});

// Nothing measured: `recommended` cannot vouch for any of its kinds.
const unmeasured = defineRule<'call', object>({
  name: 'unmeasured',
  meta: testRuleMeta({ call: 'call' }),
  create: (context) => ({ [context.ts.SyntaxKind.CallExpression]: (node) => context.report({ node, messageId: 'call' }) }),
});

const rules: RuleDefinition[] = [twoKinds, unmeasured];

function kindsReported(preset: 'recommended' | 'strict', config = {}): string[] {
  const fileName = '/virtual/file.ts';
  const options: ts.CompilerOptions = { noLib: true, noResolve: true };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, 'a();\n', version, true) : undefined);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  const findings = analyzeFile({ ts, program, checker: program.getTypeChecker(), sourceFile: program.getSourceFile(fileName)!, rules: selectRules(rules, preset, [], config), relativePath: () => 'file.ts' });
  return findings.map((finding) => `${finding.ruleId}:${finding.kind}`);
}

describe('presets and measured precision', () => {
  it('names the kinds of finding, leaving out suggestions, and the high ones', () => {
    expect(findingKinds(twoKinds.meta)).toEqual(['precise', 'noisy']);
    expect(highPrecisionKinds(twoKinds.meta)).toEqual(['precise']);
    expect(highPrecisionKinds(unmeasured.meta)).toEqual([]);
  });

  it('recommended reports only the kinds measured as high, and leaves out a rule with none', () => {
    expect([...buildPreset(rules, 'recommended').keys()]).toEqual(['premortem/two-kinds']);
    expect(kindsReported('recommended')).toEqual(['premortem/two-kinds:precise']);
  });

  it('strict reports every kind of every rule', () => {
    expect(kindsReported('strict')).toEqual(['premortem/two-kinds:precise', 'premortem/two-kinds:noisy', 'premortem/unmeasured:call']);
  });

  it('a config that changes a preset rule keeps its kinds; one that turns a rule on reports all of it', () => {
    const config = { rules: { 'premortem/two-kinds': 'warn' as const, 'premortem/unmeasured': 'error' as const } };
    expect(kindsReported('recommended', config)).toEqual(['premortem/two-kinds:precise', 'premortem/unmeasured:call']);
  });

  it('a rule asked for by name with --rule that the preset leaves out reports every kind', () => {
    expect(selectRules(rules, 'recommended', ['unmeasured']).map((entry) => [entry.rule.name, entry.kinds])).toEqual([['unmeasured', undefined]]);
  });
});
