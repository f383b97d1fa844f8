import type { TSESLint } from '@typescript-eslint/utils';
import type ts from 'typescript';
import { isGeneratedFile, walkFile, type Report, type RuleDefinition } from '@premortem/core';
import { getTypeScriptFor } from './resolve-typescript.js';

type Context = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

interface Member {
  definition: RuleDefinition;
  options: object;
  deliver: (report: Report<string>) => void;
}

interface Batch {
  /** Read once per file: a generated file gets no premortem rule. */
  generated: boolean;
  members: Member[];
  walked: boolean;
  errors: Map<RuleDefinition, unknown>;
}

/**
 * One walk per linted file for every premortem rule ESLint enabled there, as the CLI does. ESLint
 * creates all of a file's rules before it visits any node, so each rule joins the batch in
 * `create`, and whichever `Program` visitor runs first walks for all. Batches are keyed by the
 * SourceCode object, which ESLint makes anew for every pass over a file.
 */
const batches = new WeakMap<object, Batch>();

/** Adds a rule to its file's batch; false when the file is generated and nothing should run. */
export function joinSharedWalk(context: Context, sourceFile: ts.SourceFile, member: Member): boolean {
  let batch = batches.get(context.sourceCode);
  if (!batch) {
    batch = { generated: isGeneratedFile(sourceFile), members: [], walked: false, errors: new Map() };
    batches.set(context.sourceCode, batch);
  }
  if (batch.generated) return false;
  batch.members.push(member);
  return true;
}

/**
 * Walks the file once for the whole batch, if no other rule did yet. A rule that threw is rethrown
 * from its own visitor, so ESLint names the right rule and the others still report.
 */
export function runSharedWalk(context: Context, definition: RuleDefinition, program: ts.Program, sourceFile: ts.SourceFile): void {
  const batch = batches.get(context.sourceCode);
  if (!batch) return;
  if (!batch.walked) {
    batch.walked = true;
    const byRule = new Map(batch.members.map((member) => [member.definition, member]));
    walkFile(
      {
        ts: getTypeScriptFor(sourceFile),
        program,
        checker: program.getTypeChecker(),
        sourceFile,
        rules: batch.members.map(({ definition: rule, options }) => ({ rule, options })),
        onRuleError: (rule, error) => batch.errors.set(rule, error),
      },
      (rule, report) => byRule.get(rule)?.deliver(report),
    );
  }
  if (batch.errors.has(definition)) throw batch.errors.get(definition);
}
