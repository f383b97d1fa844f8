import type { Finding } from '../findings.js';
import { toPosixRelative } from '../engine/project-root.js';

/**
 * GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding, shown on
 * the changed file in the pull request. Paths are relative to `root`, the checked-out repository.
 */
export function formatGithub(findings: readonly Finding[], root: string): string {
  return findings
    .map((f) => {
      const file = toPosixRelative(root, f.file);
      const properties = [`file=${file}`, `line=${f.line}`, `endLine=${f.endLine}`, `col=${f.column}`, `endColumn=${f.endColumn}`, `title=${f.ruleId}`]
        .map(escapeProperty)
        .join(',');
      const steps = (f.path ?? []).map((step) => `\n  ↳ ${step.label} (${toPosixRelative(root, step.file)}:${step.line})`).join('');
      return `::${f.severity === 'error' ? 'error' : 'warning'} ${properties}::${escapeData(f.message + steps)}\n`;
    })
    .join('');
}

// The runner's own escaping rules: data loses %, CR and LF; property values also ':' and ','.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(pair: string): string {
  const at = pair.indexOf('=');
  return pair.slice(0, at + 1) + escapeData(pair.slice(at + 1)).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
