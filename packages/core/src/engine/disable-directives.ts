import type ts from 'typescript';
import type { Finding } from '../findings.js';
import type { TypeScriptModule } from '../rule.js';

/**
 * ESLint's disable directives, read the way ESLint reads them, so that a finding silenced in the
 * editor is silenced in the CLI, the Action and the bot too:
 * - `// eslint-disable-next-line premortem/rule -- reason` (line or one-line block comment): the next line;
 * - `// eslint-disable-line premortem/rule`: its own line;
 * - `/* eslint-disable premortem/rule *\/` … `/* eslint-enable premortem/rule *\/` (block comments only): a region.
 * With no rule listed, a directive covers every rule. What follows ` -- ` is a reason, not a rule.
 */
export interface DisableDirective {
  kind: 'disable' | 'enable' | 'disable-line' | 'disable-next-line';
  /** Rule ids as written; empty for every rule. */
  rules: string[];
  /** 1-based line of the comment's start, and of its end. */
  line: number;
  endLine: number;
  column: number;
}

const DIRECTIVE = /^\s*(eslint-disable-next-line|eslint-disable-line|eslint-disable|eslint-enable)(?:\s+([\s\S]*?))?\s*$/;
const LINE_COMMENT_KINDS = new Set(['disable-line', 'disable-next-line']);

/** The directives in a file's comments, in source order. A file that never says `eslint-` has none. */
export function readDisableDirectives(tsm: TypeScriptModule, sourceFile: ts.SourceFile): DisableDirective[] {
  const text = sourceFile.text;
  if (!text.includes('eslint-')) return [];
  const directives: DisableDirective[] = [];
  for (const comment of commentsOf(tsm, sourceFile)) {
    const isLine = comment.kind === tsm.SyntaxKind.SingleLineCommentTrivia;
    const body = isLine ? text.slice(comment.pos + 2, comment.end) : text.slice(comment.pos + 2, comment.end - 2);
    const match = DIRECTIVE.exec(body.split(/\s--\s|\s--$/)[0]!);
    if (!match) continue;
    const kind = match[1]!.slice('eslint-'.length) as DisableDirective['kind'];
    // ESLint reads region directives only in block comments, and a next-line directive only on one line.
    if (isLine && !LINE_COMMENT_KINDS.has(kind)) continue;
    const start = sourceFile.getLineAndCharacterOfPosition(comment.pos);
    const end = sourceFile.getLineAndCharacterOfPosition(comment.end);
    if (kind !== 'disable' && kind !== 'enable' && start.line !== end.line) continue;
    const rules = (match[2] ?? '').split(',').map((rule) => rule.trim()).filter((rule) => rule !== '');
    directives.push({ kind, rules, line: start.line + 1, endLine: end.line + 1, column: start.character + 1 });
  }
  return directives;
}

/** Every comment of the file once: the trivia before each token and after the last one. */
function commentsOf(tsm: TypeScriptModule, sourceFile: ts.SourceFile): ts.CommentRange[] {
  const text = sourceFile.text;
  const seen = new Map<number, ts.CommentRange>();
  const add = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) seen.set(range.pos, range);
  };
  const visit = (node: ts.Node) => {
    add(tsm.getLeadingCommentRanges(text, node.pos));
    add(tsm.getTrailingCommentRanges(text, node.end));
    // Tokens (punctuation, keywords) carry trivia too: `{/* eslint-disable-next-line */}` in JSX.
    for (const child of node.getChildren(sourceFile)) visit(child);
  };
  visit(sourceFile);
  return [...seen.values()].sort((a, b) => a.pos - b.pos);
}

export interface DirectiveOutcome {
  kept: Finding[];
  /** Directives that name a rule of ours and silenced nothing of it. */
  unused: DisableDirective[];
}

/**
 * The findings no directive silences, and the directives naming one of `ruleIds` that silenced
 * nothing. A directive with no rule list covers other tools' rules too, so it is never "unused" here.
 */
export function applyDisableDirectives(findings: readonly Finding[], directives: readonly DisableDirective[], ruleIds: ReadonlySet<string>): DirectiveOutcome {
  if (directives.length === 0) return { kept: [...findings], unused: [] };
  const used = new Set<DisableDirective>();
  const covers = (directive: DisableDirective, ruleId: string) => directive.rules.length === 0 || directive.rules.includes(ruleId);
  const silencedBy = (finding: Finding): DisableDirective | undefined => {
    for (const directive of directives) {
      if (!covers(directive, finding.ruleId)) continue;
      if (directive.kind === 'disable-line' && directive.line === finding.line) return directive;
      if (directive.kind === 'disable-next-line' && directive.endLine + 1 === finding.line) return directive;
    }
    // Regions: the last `disable`/`enable` for this rule before the finding decides.
    let region: DisableDirective | undefined;
    for (const directive of directives) {
      if (!covers(directive, finding.ruleId) || (directive.kind !== 'disable' && directive.kind !== 'enable')) continue;
      if (directive.line > finding.line || (directive.line === finding.line && directive.column > finding.column)) break;
      region = directive.kind === 'disable' ? directive : undefined;
    }
    return region;
  };
  const kept: Finding[] = [];
  for (const finding of findings) {
    const directive = silencedBy(finding);
    if (directive) used.add(directive);
    else kept.push(finding);
  }
  const unused = directives.filter(
    (directive) => directive.kind !== 'enable' && !used.has(directive) && directive.rules.length > 0 && directive.rules.some((rule) => ruleIds.has(rule)),
  );
  return { kept, unused };
}
