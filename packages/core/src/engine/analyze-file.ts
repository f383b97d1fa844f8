import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import { getEnclosingSymbolPath } from '../ast/enclosing-symbol.js';
import { getRange } from '../ast/locations.js';
import { walkTree } from '../ast/walk-tree.js';
import { computeFingerprint, FingerprintCounter } from '../fingerprint.js';
import { ANALYSIS_ERROR_RULE_ID, PARSE_ERROR_RULE_ID, UNUSED_DIRECTIVE_RULE_ID, interpolate, type Finding } from '../findings.js';
import { applyDisableDirectives, readDisableDirectives, type DisableDirective } from './disable-directives.js';
import { ruleId, type Report, type RuleContext, type RuleDefinition, type Severity, type TypeScriptModule, type Visitor } from '../rule.js';
import { UsageError } from '../errors.js';
import { getProjectFacts } from './project-facts.js';
import type { Timings } from './timings.js';
import { getUnanalyzableFile, isStackOverflow, type AnalysisFailure } from './unanalyzable-files.js';

export interface EnabledRule {
  rule: RuleDefinition;
  severity: Severity;
  /** Fully resolved: defaults, preset and user options merged. */
  options: object;
  /** The kinds of finding (message ids) reported; every kind when absent. The preset decides. */
  kinds?: ReadonlySet<string>;
}

export interface AnalyzeFileInput extends WalkInput {
  rules: readonly EnabledRule[];
  /** Turns an absolute file name into the project-relative form used in fingerprints. */
  relativePath(fileName: string): string;
  /** Also report `eslint-disable` directives naming a rule that ran here and silenced nothing. */
  reportUnusedDisableDirectives?: boolean;
}

type Handler = (node: ts.Node) => void;

/** What a front needs to run rules over one file: the Program and the `ts` that made it. */
export interface WalkInput {
  ts: TypeScriptModule;
  program: ProgramQueries;
  checker: TypeQueries;
  sourceFile: ts.SourceFile;
  rules: readonly Pick<EnabledRule, 'rule' | 'options'>[];
  timings?: Timings;
  /**
   * When set, a rule that throws is stopped for this file and reported here, and the walk goes
   * on with the other rules: one detector's bug must not hide every other finding in CI.
   */
  onRuleError?: (rule: RuleDefinition, error: unknown, node: ts.Node) => void;
  /** More handlers for the same walk, e.g. the query collector: no second pass over the file. */
  visitors?: readonly Visitor[];
}

/**
 * Runs rules over one file in a single walk, handing each raw report (with its `ts.Node`) to
 * `onReport`. Both fronts sit on this: the CLI turns reports into findings, ESLint into its own.
 */
export function walkFile(input: WalkInput, onReport: (rule: RuleDefinition, report: Report<string>) => void): void {
  const { ts: tsm, sourceFile } = input;
  const handlers: Handler[][] = [];
  const project = getProjectFacts(tsm, input.program);
  for (const enabled of input.rules) {
    const label = ruleId(enabled.rule);
    const context: RuleContext<string, object> = {
      ts: tsm,
      program: input.program,
      checker: input.timings ? input.timings.timeChecker(input.checker, `${label} › type checker`) : input.checker,
      sourceFile,
      options: enabled.options,
      project,
      report: (report) => onReport(enabled.rule, report),
    };
    const create = (): Visitor => (input.timings ? input.timings.measure(label, () => enabled.rule.create(context)) : enabled.rule.create(context));
    const visitor = input.onRuleError ? createGuarded(enabled.rule, create, input.onRuleError, sourceFile) : create();
    if (!visitor) continue;
    const guard = input.onRuleError ? guardRule(enabled.rule, input.onRuleError) : undefined;
    for (const [kind, handler] of Object.entries(visitor)) {
      if (!handler) continue;
      const guarded = guard ? guard(handler) : handler;
      const list = (handlers[Number(kind)] ??= []);
      list.push(input.timings ? input.timings.wrap(label, guarded) : guarded);
    }
  }
  for (const visitor of input.visitors ?? []) {
    for (const [kind, handler] of Object.entries(visitor)) {
      if (handler) (handlers[Number(kind)] ??= []).push(input.timings ? input.timings.wrap('query estimates', handler) : handler);
    }
  }
  // Pre-order, children in forEachChild order, on an explicit stack: no nesting overflows it.
  walkTree(tsm, sourceFile, (node) => {
    const list = handlers[node.kind];
    if (list) for (const handler of list) handler(node);
  });
}

function createGuarded(
  rule: RuleDefinition,
  create: () => Visitor,
  onRuleError: NonNullable<WalkInput['onRuleError']>,
  sourceFile: ts.SourceFile,
): Visitor | undefined {
  try {
    return create();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    onRuleError(rule, error, sourceFile);
    return undefined;
  }
}

function guardRule(
  rule: RuleDefinition,
  onRuleError: NonNullable<WalkInput['onRuleError']>,
): (handler: Handler) => Handler {
  let failed = false;
  return (handler) => (node) => {
    if (failed) return;
    try {
      handler(node);
    } catch (error) {
      // A bad config or stats file is the user's to fix, not a detector bug: let it stop the run.
      if (error instanceof UsageError) throw error;
      failed = true;
      onRuleError(rule, error, node);
    }
  };
}

/**
 * Runs every enabled rule over one file and returns findings. A file that does not parse yields
 * a `premortem/parse-error` finding instead: rules would only see the parser's guesses. A file
 * left out of its Program (see unanalyzable-files.ts), or whose analysis ran out of stack,
 * yields one `premortem/analysis-error` finding.
 */
export function analyzeFile(input: AnalyzeFileInput): Finding[] {
  const { ts: tsm, sourceFile } = input;
  const relative = input.relativePath(sourceFile.fileName);
  const fingerprints = new FingerprintCounter();

  const unanalyzable = getUnanalyzableFile(sourceFile);
  if (unanalyzable) return [analysisErrorFinding(sourceFile, unanalyzable, relative)];

  const firstError = input.program.getSyntacticDiagnostics(sourceFile)[0];
  if (firstError) return [parseErrorFinding(tsm, sourceFile, firstError, relative, fingerprints)];

  const findings: Finding[] = [];
  const byRule = new Map(input.rules.map((enabled) => [enabled.rule, enabled]));
  try {
    walkFile(input, (rule, report) => {
      const enabled = byRule.get(rule)!;
      if (enabled.kinds && !enabled.kinds.has(report.messageId)) return;
      findings.push(toFinding(input, enabled, ruleId(rule), report, relative, fingerprints));
    });
  } catch (error) {
    // Each rule is guarded on its own (onRuleError); what overflows here is the engine's own
    // per-file code (the walk, the query collector, findings), so this file's results are not whole.
    if (!isStackOverflow(error)) throw error;
    return [analysisErrorFinding(sourceFile, { reason: 'out-of-stack', message: 'Analyzing this file ran out of stack', line: 1, column: 1 }, relative)];
  }
  // What ESLint's directives silence in the editor is silent in every front. The search walks
  // every token, so a file with nothing to silence is not searched.
  if (findings.length === 0 && !input.reportUnusedDisableDirectives) return findings;
  const ran = new Set(input.rules.map((enabled) => ruleId(enabled.rule)));
  const { kept, unused } = applyDisableDirectives(findings, readDisableDirectives(tsm, sourceFile), ran);
  if (!input.reportUnusedDisableDirectives) return kept;
  return [...kept, ...unused.map((directive) => unusedDirectiveFinding(sourceFile, directive, ran, relative, fingerprints))];
}

function unusedDirectiveFinding(sourceFile: ts.SourceFile, directive: DisableDirective, ran: ReadonlySet<string>, relative: string, fingerprints: FingerprintCounter): Finding {
  const rules = directive.rules.filter((rule) => ran.has(rule)).join(', ');
  return {
    ruleId: UNUSED_DIRECTIVE_RULE_ID,
    severity: 'warning',
    file: sourceFile.fileName,
    line: directive.line,
    column: directive.column,
    endLine: directive.endLine,
    endColumn: directive.column,
    message: `Unused eslint-${directive.kind} directive: no problem from ${rules} was reported here. Remove it, or the rule names that no longer apply.`,
    fingerprint: fingerprints.next({ ruleId: UNUSED_DIRECTIVE_RULE_ID, file: relative, symbolPath: '<module>', snippet: `${directive.kind} ${rules}` }),
  };
}

function toFinding(
  input: AnalyzeFileInput,
  enabled: EnabledRule,
  id: string,
  report: Report<string>,
  relative: string,
  fingerprints: FingerprintCounter,
): Finding {
  const { sourceFile } = input;
  const messages: Record<string, string> = enabled.rule.meta.messages;
  const finding: Finding = {
    ruleId: id,
    severity: report.severity ?? enabled.severity,
    file: sourceFile.fileName,
    ...getRange(sourceFile, report.node),
    message: interpolate(messages[report.messageId] ?? report.messageId, report.data),
    kind: report.messageId,
    fingerprint: fingerprints.next({
      ruleId: id,
      file: relative,
      symbolPath: getEnclosingSymbolPath(input.ts, report.node),
      snippet: report.node.getText(sourceFile),
    }),
  };
  if (report.path) finding.path = report.path;
  if (report.suggest?.length) {
    finding.suggestions = report.suggest.map((suggestion) => ({
      message: interpolate(messages[suggestion.messageId] ?? suggestion.messageId, suggestion.data),
      edits: suggestion.edits,
    }));
  }
  return finding;
}

function parseErrorFinding(
  tsm: TypeScriptModule,
  sourceFile: ts.SourceFile,
  diagnostic: ts.DiagnosticWithLocation,
  relative: string,
  fingerprints: FingerprintCounter,
): Finding {
  const start = sourceFile.getLineAndCharacterOfPosition(diagnostic.start);
  const end = sourceFile.getLineAndCharacterOfPosition(diagnostic.start + diagnostic.length);
  const text = tsm.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  return {
    ruleId: PARSE_ERROR_RULE_ID,
    severity: 'error',
    file: sourceFile.fileName,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    message: `This file does not parse (TS${diagnostic.code}: ${text}); no rule could check it.`,
    fingerprint: fingerprints.next({ ruleId: PARSE_ERROR_RULE_ID, file: relative, symbolPath: '<module>', snippet: text }),
  };
}

function analysisErrorFinding(sourceFile: ts.SourceFile, failure: AnalysisFailure, relative: string): Finding {
  return {
    ruleId: ANALYSIS_ERROR_RULE_ID,
    severity: 'error',
    file: sourceFile.fileName,
    line: failure.line,
    column: failure.column,
    endLine: failure.line,
    endColumn: failure.column,
    message: `${failure.message}; no rule checked it.`,
    // The reason, not the depth or the place: the same problem keeps its fingerprint across edits.
    fingerprint: computeFingerprint({ ruleId: ANALYSIS_ERROR_RULE_ID, file: relative, symbolPath: '<module>', snippet: failure.reason }, 0),
  };
}
