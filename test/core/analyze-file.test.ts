import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile, defineRule, type EnabledRule, type RuleDefinition } from '@premortem/core';

function programFor(code: string): { program: ts.Program; sourceFile: ts.SourceFile } {
  const fileName = '/virtual/file.ts';
  const options: ts.CompilerOptions = { noLib: true, noResolve: true };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, code, version, true) : undefined);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  return { program, sourceFile: program.getSourceFile(fileName)! };
}

const meta = {
  description: 'test rule',
  type: 'problem' as const,
  recommended: 'recommended' as const,
  severity: 'error' as const,
  requiresTypeChecking: false,
  hasSuggestions: false,
  schema: { type: 'object' as const, properties: {}, additionalProperties: false as const },
  defaultOptions: {},
};

const reportsCalls = defineRule<'call', object>({
  name: 'reports-calls',
  meta: { ...meta, messages: { call: 'call to {{name}}' } },
  create: (context) => ({
    [context.ts.SyntaxKind.CallExpression]: (node) =>
      context.report({ node, messageId: 'call', data: { name: (node as ts.CallExpression).expression.getText() } }),
  }),
});

const throwsOnIdentifiers = defineRule<'never', object>({
  name: 'throws',
  meta: { ...meta, messages: { never: 'never' } },
  create: (context) => ({
    [context.ts.SyntaxKind.Identifier]: () => {
      throw new Error('detector bug');
    },
  }),
});

const enabled = (rule: RuleDefinition): EnabledRule => ({ rule, severity: 'error', options: {} });

describe('analyzeFile', () => {
  it('runs several rules in one walk and interpolates messages', () => {
    const { program, sourceFile } = programFor('a();\nfunction f() { b(); }\n');
    const findings = analyzeFile({
      ts,
      program,
      checker: program.getTypeChecker(),
      sourceFile,
      rules: [enabled(reportsCalls)],
      relativePath: () => 'file.ts',
    });
    expect(findings.map((f) => [f.line, f.column, f.message])).toEqual([
      [1, 1, 'call to a'],
      [2, 16, 'call to b'],
    ]);
  });

  it('keeps going when one rule throws, and says which rule failed where', () => {
    const { program, sourceFile } = programFor('a();\nb();\n');
    const failures: string[] = [];
    const findings = analyzeFile({
      ts,
      program,
      checker: program.getTypeChecker(),
      sourceFile,
      rules: [enabled(throwsOnIdentifiers), enabled(reportsCalls)],
      relativePath: () => 'file.ts',
      onRuleError: (rule, error, node) => failures.push(`${rule.name}: ${(error as Error).message} at ${node.getText()}`),
    });
    expect(findings.map((f) => f.message)).toEqual(['call to a', 'call to b']);
    // Stopped after its first failure in this file.
    expect(failures).toEqual(['throws: detector bug at a']);
  });

  it('turns a syntax error into one premortem/parse-error finding instead of running rules', () => {
    const { program, sourceFile } = programFor('a(;\n');
    const findings = analyzeFile({
      ts,
      program,
      checker: program.getTypeChecker(),
      sourceFile,
      rules: [enabled(reportsCalls)],
      relativePath: () => 'file.ts',
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'premortem/parse-error', severity: 'error', line: 1, column: 3 });
  });

  it('gives identical code in one declaration distinct, order-stable fingerprints', () => {
    const run = (code: string) => {
      const { program, sourceFile } = programFor(code);
      return analyzeFile({ ts, program, checker: program.getTypeChecker(), sourceFile, rules: [enabled(reportsCalls)], relativePath: () => 'file.ts' });
    };
    const before = run('function f() {\n  a();\n  a();\n}\n');
    const after = run('const unrelated = 1;\n\nfunction f() {\n  a();\n\n  a();\n}\n');
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(2);
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
    const moved = run('function g() {\n  a();\n}\n');
    expect(moved[0]!.fingerprint).not.toBe(before[0]!.fingerprint);
  });
});
