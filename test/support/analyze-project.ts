import ts from 'typescript';
import { resolveOptions, runAnalysis, type Finding, type RuleDefinition } from '@premortem/core';
import { createProject } from './cli.js';

/**
 * Runs one rule, with options, over a throwaway multi-file project through the engine the CLI
 * uses (one Program, one walk). For rules whose options the CLI does not take on the command line.
 */
export function analyzeProject(
  rule: RuleDefinition,
  files: Record<string, string>,
  options?: object,
): { dir: string; findings: Finding[]; notes: string[] } {
  const dir = createProject(files);
  const result = runAnalysis({
    ts,
    cwd: dir,
    paths: ['.'],
    rules: [{ rule, severity: rule.meta.severity, options: resolveOptions(rule.meta, undefined, options as never) }],
  });
  return { dir, findings: result.findings, notes: result.notes };
}
