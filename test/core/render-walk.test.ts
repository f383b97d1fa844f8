import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { walkRender, type FunctionLike } from '@premortem/core';

function component(body: string): FunctionLike {
  const sourceFile = ts.createSourceFile('/virtual/Card.tsx', `export function Card({ open, items }: Props) {\n${body}\n}\n`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TSX);
  return sourceFile.statements[0] as ts.FunctionDeclaration;
}

/** Each call the render walk reaches, with whether it runs only under a condition. */
function calls(fn: FunctionLike): string[] {
  const seen: string[] = [];
  walkRender(ts, fn, (node, conditional) => {
    if (ts.isCallExpression(node)) seen.push(`${node.expression.getText()}${conditional ? ' (conditional)' : ''}`);
  });
  return seen;
}

describe('walkRender', () => {
  it('reaches what runs during render, in source order, each with whether it runs under a condition', () => {
    const fn = component(`
  load();
  open && track();
  const rows = items.map((item) => format(item));
  const onClick = () => save();
  useEffect(() => refresh(), []);
  if (!open) return null;
  return render(rows, onClick);`);
    expect(calls(fn)).toEqual([
      'load',
      'track (conditional)',
      'items.map',
      'format',
      'useEffect',
      'render (conditional)',
    ]);
  });

  it('walks a render body holding a 30,000-term chain, which the recursive walk it replaces could not', () => {
    const fn = component(`  const ready = ${Array(30_000).fill('open').join(' && ')} && start();\n  finish();`);
    expect(calls(fn)).toEqual(['start (conditional)', 'finish']);
  });
});
