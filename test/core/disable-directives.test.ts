import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { applyDisableDirectives, readDisableDirectives } from '../../packages/core/src/engine/disable-directives.js';
import type { Finding } from '../../packages/core/src/findings.js';

const RULE = 'premortem/no-floating-promises';
const OTHER = 'premortem/no-query-in-loop';
const source = (text: string) => ts.createSourceFile('file.tsx', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
const finding = (line: number, ruleId = RULE, column = 3): Finding => ({ ruleId, severity: 'error', file: 'file.tsx', line, column, endLine: line, endColumn: column + 1, message: '', fingerprint: `${ruleId}:${line}` });
/** The lines of `findings` no directive in `text` silences. */
function kept(text: string, findings: Finding[]): string[] {
  return applyDisableDirectives(findings, readDisableDirectives(ts, source(text)), new Set([RULE, OTHER])).kept.map((f) => `${f.line} ${f.ruleId}`);
}

describe('ESLint disable directives', () => {
  it('next-line and line, in line or one-line block comments, with a reason; the other lines and rules stay', () => {
    const text = [
      '// eslint-disable-next-line premortem/no-floating-promises -- fire and forget, logged inside',
      'save();',
      'save(); // eslint-disable-line premortem/no-floating-promises',
      '/* eslint-disable-next-line premortem/no-query-in-loop, premortem/no-floating-promises */',
      'save();',
      'save();',
    ].join('\n');
    expect(kept(text, [finding(2), finding(3), finding(5), finding(5, OTHER), finding(6)])).toEqual([`6 ${RULE}`]);
  });

  it('a directive without rules covers every rule; naming another rule, or another tool, covers nothing of ours', () => {
    const text = ['// eslint-disable-next-line', 'save();', '// eslint-disable-next-line @typescript-eslint/no-floating-promises', 'save();', '// eslint-disable-next-line premortem/no-query-in-loop', 'save();'].join('\n');
    expect(kept(text, [finding(2), finding(4), finding(6)])).toEqual([`4 ${RULE}`, `6 ${RULE}`]);
  });

  it('block regions: disable … enable, for the rules listed; a line comment does not open a region, as in ESLint', () => {
    const text = [
      '/* eslint-disable premortem/no-floating-promises */',
      'save();',
      '/* eslint-enable premortem/no-floating-promises */',
      'save();',
      '// eslint-disable premortem/no-floating-promises',
      'save();',
      '/* eslint-disable */',
      'save();',
    ].join('\n');
    expect(kept(text, [finding(2), finding(4), finding(6), finding(8), finding(8, OTHER)])).toEqual([`4 ${RULE}`, `6 ${RULE}`]);
  });

  it('a directive in JSX braces counts; text in a string or a template does not', () => {
    const text = ['const a = <div>', '  {/* eslint-disable-next-line premortem/no-floating-promises */}', '  {save()}', '</div>;', "const s = '// eslint-disable-next-line';", 'save();'].join('\n');
    expect(kept(text, [finding(3), finding(6)])).toEqual([`6 ${RULE}`]);
  });

  it('lists the directives naming our rules that silenced nothing, not the ones without a rule list', () => {
    const text = ['// eslint-disable-next-line premortem/no-floating-promises', 'save();', '// eslint-disable-next-line premortem/no-query-in-loop', 'save();', '// eslint-disable-next-line', 'save();'].join('\n');
    const { unused } = applyDisableDirectives([finding(2)], readDisableDirectives(ts, source(text)), new Set([RULE, OTHER]));
    expect(unused.map((d) => `${d.line} ${d.kind} ${d.rules.join(',')}`)).toEqual([`3 disable-next-line ${OTHER}`]);
  });
});
