import path from 'node:path';
import type { Finding } from '../findings.js';

export interface StylishOptions {
  cwd: string;
  color: boolean;
}

const paint = (on: boolean, code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** ESLint's familiar layout: findings grouped by file, then a count. */
export function formatStylish(findings: readonly Finding[], options: StylishOptions): string {
  const underline = paint(options.color, '4');
  const dim = paint(options.color, '2');
  const red = paint(options.color, '31');
  const yellow = paint(options.color, '33');
  const bold = paint(options.color, '1');
  if (findings.length === 0) return '';

  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) (byFile.get(finding.file) ?? byFile.set(finding.file, []).get(finding.file)!).push(finding);

  const lines: string[] = [];
  for (const [file, list] of byFile) {
    lines.push(underline(path.relative(options.cwd, file) || file));
    for (const f of list) {
      const where = dim(`${f.line}:${f.column}`.padEnd(8));
      const severity = f.severity === 'error' ? red('error  ') : yellow('warning');
      lines.push(`  ${where}${severity}  ${f.message}  ${dim(f.ruleId)}`);
      for (const step of f.path ?? []) lines.push(dim(`            ↳ ${step.label} (${step.file}:${step.line})`));
    }
    lines.push('');
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const summary = `✖ ${findings.length} problem${findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  lines.push((errors > 0 ? red : yellow)(bold(summary)));
  return lines.join('\n') + '\n';
}
