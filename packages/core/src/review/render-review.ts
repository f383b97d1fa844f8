import type { Finding } from '../findings.js';
import type { PathStep } from '../rule.js';
import { RULE_PREFIX } from '../rule.js';
import { ruleDocsUrl } from '../docs-url.js';
import { markdownCell } from '../formatters/markdown-text.js';
import { mountPathDiagram } from './mount-path-diagram.js';
import type { QueryChange } from './query-changes.js';

/** Found again on the next push, so the summary is edited in place rather than posted twice. */
export const SUMMARY_MARKER = '<!-- premortem:summary -->';
const EVERY_PAGE_RULE = `${RULE_PREFIX}no-fetch-on-every-page`;
/** GitHub refuses comment bodies over 65,536 characters; stay well below. */
const MAX_SUMMARY_CHARS = 60_000;

/** One inline comment: what, why it costs, and where the rule is explained. */
export function renderInlineBody(finding: Finding, anchor: { path: string; line: number }, relative: (file: string) => string): string {
  const lines = [`**${severityIcon(finding)} ${ruleLink(finding.ruleId)}**: ${finding.message}`];
  const own = relative(finding.file);
  if (anchor.path !== own || anchor.line < finding.line || anchor.line > Math.max(finding.line, finding.endLine)) {
    lines.push('', `Reported at \`${own}:${finding.line}\`; this change is on its path.`);
  }
  if (finding.path?.length) lines.push('', ...finding.path.map((step) => `↳ ${step.label} (\`${relative(step.file)}:${step.line}\`)`));
  lines.push('', `<!-- premortem:finding ${finding.fingerprint} -->`);
  return lines.join('\n');
}

export interface SummaryInput {
  title: string;
  findings: readonly Finding[];
  /** Fingerprints that got an inline comment in this review. */
  inlined: ReadonlySet<string>;
  alreadyCommented?: ReadonlySet<string>;
  queries: readonly QueryChange[];
  relative: (file: string) => string;
  headSha?: string;
  blobUrl?: (file: string, line: number) => string;
  footer?: string;
}

/** The one summary comment: findings, the cost of the queries the change adds, and why a page fetch runs everywhere. */
export function renderSummary(input: SummaryInput): string {
  const { findings, relative } = input;
  const where = (file: string, line: number) => {
    const text = `${relative(file)}:${line}`;
    return input.blobUrl ? `[\`${text}\`](${input.blobUrl(relative(file), line)})` : `\`${text}\``;
  };
  const out = [SUMMARY_MARKER, `## Premortem: ${findings.length === 0 ? '✅ ' : ''}${input.title}`];
  if (input.headSha) out.push('', `Head \`${input.headSha.slice(0, 7)}\`. Only findings this pull request adds to or touches are listed.`);

  if (findings.length > 0) {
    out.push('', '| | Rule | Where | Finding |', '| --- | --- | --- | --- |');
    for (const finding of findings) {
      const note = input.inlined.has(finding.fingerprint) || input.alreadyCommented?.has(finding.fingerprint) ? '' : ' _(summary only)_';
      out.push(`| ${severityIcon(finding)} | ${ruleLink(finding.ruleId)} | ${where(finding.file, finding.line)} | ${markdownCell(finding.message)}${note} |`);
    }
  }

  if (input.queries.length > 0) {
    out.push('', '### Query cost of the Prisma queries this change adds or edits', '');
    out.push('| Query | Where | Index | Bound | Base | Head |', '| --- | --- | --- | --- | --- | --- |');
    for (const query of input.queries) {
      const base = query.base ? estimate(query.base) : '_new_';
      out.push(`| \`${query.model}.${query.operation}\` | ${where(query.file, query.line)} | ${markdownCell(query.head.index)} | ${query.head.bounded ? 'yes' : '**no**'} | ${base} | ${estimate(query.head)} |`);
    }
    out.push('', '<sub>Rows are estimates from the schema and table statistics (`premortem stats`), or default table sizes when none were recorded.</sub>');
  }

  for (const finding of findings.filter((f) => f.ruleId === EVERY_PAGE_RULE && f.path?.length)) {
    out.push('', `### Why \`${relative(finding.file)}:${finding.line}\` runs on every page`, '', '```mermaid', mountPathDiagram(finding.path as PathStep[], relative), '```');
  }

  if (input.footer) out.push('', `<sub>${input.footer}</sub>`);
  const text = out.join('\n') + '\n';
  return text.length <= MAX_SUMMARY_CHARS ? text : `${text.slice(0, MAX_SUMMARY_CHARS)}\n\n…cut here: the full list is in the check run and in \`premortem check\`.\n`;
}

function estimate(query: { estimatedRows: number; costClass: string }): string {
  const rows = query.estimatedRows;
  return `~${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'} (${markdownCell(query.costClass)})`;
}

function severityIcon(finding: Finding): string {
  return finding.severity === 'error' ? '🔴' : '🟡';
}

function ruleLink(ruleId: string): string {
  if (!ruleId.startsWith(RULE_PREFIX)) return ruleId;
  const name = ruleId.slice(RULE_PREFIX.length);
  return `[${ruleId}](${ruleDocsUrl(name)})`;
}
