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
  fingerprint: string;
  path?: PathStep[];
  suggestions?: FindingSuggestion[];
}

export const PARSE_ERROR_RULE_ID = 'premortem/parse-error';
/** A file the run was asked to analyze but could not read (permissions, a dangling link, a FIFO). */
export const READ_ERROR_RULE_ID = 'premortem/read-error';

/** Findings the engine itself reports, with what they mean (rules describe themselves in their metadata). */
export const ENGINE_FINDINGS: ReadonlyArray<{ ruleId: string; description: string }> = [
  { ruleId: PARSE_ERROR_RULE_ID, description: 'The file could not be parsed; its other findings may be missing.' },
  { ruleId: READ_ERROR_RULE_ID, description: 'The file could not be read; no rule could check it.' },
];

export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

/** `{{name}}` placeholders, as ESLint messages use them. */
export function interpolate(template: string, data: Record<string, string> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => data[key] ?? whole);
}
