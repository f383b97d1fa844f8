import type { PathStep, Severity, TextEdit } from './rule.js';

export interface FindingSuggestion {
  message: string;
  edits: TextEdit[];
}

/** One reported problem. `file` is absolute inside the engine; fronts make it relative. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** Which of the rule's kinds of finding this is (its message id): precision is measured per kind. */
  kind?: string;
  fingerprint: string;
  path?: PathStep[];
  suggestions?: FindingSuggestion[];
}

export const PARSE_ERROR_RULE_ID = 'premortem/parse-error';
/** A file the run was asked to analyze but could not read (permissions, a dangling link, a FIFO). */
export const READ_ERROR_RULE_ID = 'premortem/read-error';
/** An `eslint-disable` directive naming a premortem rule that silenced nothing (`--report-unused-disable-directives`). */
export const UNUSED_DIRECTIVE_RULE_ID = 'premortem/unused-disable-directive';
/** A file no rule could check: TypeScript could not parse it, or it nests deeper than can be analyzed. */
export const ANALYSIS_ERROR_RULE_ID = 'premortem/analysis-error';

/** Findings that say premortem could not check a file, rather than that its code is wrong. */
export const INCOMPLETE_ANALYSIS_RULE_IDS: ReadonlySet<string> = new Set([READ_ERROR_RULE_ID, ANALYSIS_ERROR_RULE_ID]);

/** Findings the engine makes about a file itself, not a rule's, with what each means. */
export const ENGINE_FINDINGS: Readonly<Record<string, string>> = {
  [PARSE_ERROR_RULE_ID]: 'The file could not be parsed; its other findings may be missing.',
  [READ_ERROR_RULE_ID]: 'The file could not be read; no rule could check it.',
  [ANALYSIS_ERROR_RULE_ID]: 'The file could not be analyzed (TypeScript could not parse it, or it nests too deeply); no rule checked it.',
  [UNUSED_DIRECTIVE_RULE_ID]: 'An eslint-disable directive names a premortem rule that reported nothing there (only with --report-unused-disable-directives).',
};

export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

/** `{{name}}` placeholders, as ESLint messages use them. */
export function interpolate(template: string, data: Record<string, string> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => data[key] ?? whole);
}
