import { ENGINE_FINDINGS, type Finding } from '../findings.js';
import { ruleDocsUrl } from '../docs-url.js';
import { RULE_PREFIX } from '../rule.js';
import { toPosixRelative } from '../engine/project-root.js';
import { markdownCell as cell, plural } from './markdown-text.js';

export interface MarkdownOptions {
  /** Paths are shown relative to this folder. */
  root: string;
  files: number;
  /** Findings beyond this many are counted, not listed (a job summary is limited to 1 MiB). */
  limit?: number;
}

/** A Markdown report: a headline, a table of findings with links to the rules' docs, and the chains behind them. */
export function formatMarkdown(findings: readonly Finding[], options: MarkdownOptions): string {
  const relative = (file: string) => toPosixRelative(options.root, file);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const files = new Set(findings.map((f) => f.file)).size;
  if (findings.length === 0) return `### Premortem: no problems found\n\n${options.files} files analyzed.\n`;
  const limit = options.limit ?? 200;
  const lines = [
    `### Premortem: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`,
    '',
    '| | Rule | Where | Finding |',
    '| --- | --- | --- | --- |',
  ];
  for (const f of findings.slice(0, limit)) {
    const name = f.ruleId.startsWith(RULE_PREFIX) ? f.ruleId.slice(RULE_PREFIX.length) : f.ruleId;
    // The engine's own findings (parse-error, analysis-error) have no docs page to link to.
    const rule = f.ruleId.startsWith(RULE_PREFIX) && !(f.ruleId in ENGINE_FINDINGS) ? `[${name}](${ruleDocsUrl(name)})` : name;
    const chain = f.path?.length ? `<br>${f.path.map((step) => `↳ ${cell(step.label)} (\`${relative(step.file)}:${step.line}\`)`).join('<br>')}` : '';
    lines.push(`| ${f.severity === 'error' ? '🔴' : '🟡'} | ${rule} | \`${relative(f.file)}:${f.line}\` | ${cell(f.message)}${chain} |`);
  }
  if (findings.length > limit) lines.push('', `…and ${findings.length - limit} more; run \`premortem check\` to see them all.`);
  return lines.join('\n') + '\n';
}
