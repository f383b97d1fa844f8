import path from 'node:path';
import ts from 'typescript';
import { resolveOptions, walkFile, type RuleDefinition } from '@premortem/core';
import { ruleFixtureDir } from './rule-tester.js';

export interface SnippetReport {
  line: number;
  column: number;
  messageId: string;
}

const libraryFiles = new Map<string, ts.SourceFile>();

/**
 * Runs one rule over a snippet in a real Program (test/rules/fixture's compiler options, so
 * @types/node and React types resolve) and returns its reports.
 */
export function lintSnippet(
  rule: RuleDefinition,
  code: string,
  { fileName = 'file.ts', options }: { fileName?: string; options?: object } = {},
): SnippetReport[] {
  const configPath = path.join(ruleFixtureDir, 'tsconfig.json');
  const read: { config?: unknown } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ruleFixtureDir);
  const target = path.join(ruleFixtureDir, fileName);
  const host = ts.createCompilerHost(parsed.options, true);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === target ? code : readFile(file));
  host.getSourceFile = (file, languageVersion, onError, create) => {
    if (path.resolve(file) === target) return ts.createSourceFile(file, code, languageVersion, true);
    // Library files never change between snippets: parse them once per test file.
    let cached = libraryFiles.get(file);
    if (!cached) {
      cached = getSourceFile(file, languageVersion, onError, create);
      if (cached) libraryFiles.set(file, cached);
    }
    return cached;
  };
  const program = ts.createProgram({ rootNames: [target], options: parsed.options, host });
  const sourceFile = program.getSourceFile(target);
  if (!sourceFile) throw new Error(`snippet ${fileName} did not make it into the program`);
  const syntax = program.getSyntacticDiagnostics(sourceFile);
  if (syntax.length > 0) throw new Error(`snippet does not parse: ${ts.flattenDiagnosticMessageText(syntax[0]!.messageText, '\n')}`);

  const reports: SnippetReport[] = [];
  walkFile(
    {
      ts,
      program,
      checker: program.getTypeChecker(),
      sourceFile,
      rules: [{ rule, options: resolveOptions(rule.meta, undefined, options) }],
    },
    (_rule, report) => {
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(report.node.getStart(sourceFile));
      reports.push({ line: line + 1, column: character + 1, messageId: report.messageId });
    },
  );
  return reports;
}
