import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { chainOperands, walkDescendants, walkFile, walkTree, walkTreeWithState, type Visitor } from '@premortem/core';

/** A file with most kinds of nesting: classes, closures, JSX, control flow, types. */
const sample = `
import { useEffect, useState } from 'react';
export interface Booking { id: string; attendees: { email: string }[] }
export class BookingService {
  #cache = new Map<string, Booking>();
  constructor(private readonly api: { get(id: string): Promise<Booking> }) {}
  async load(id: string): Promise<Booking | undefined> {
    if (this.#cache.has(id)) return this.#cache.get(id);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const booking = await this.api.get(id);
        this.#cache.set(id, booking);
        return booking;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
    return undefined;
  }
}
export function Attendees({ booking }: { booking: Booking }) {
  const [open, setOpen] = useState(false);
  useEffect(() => { if (!open) return; console.log(booking.id); }, [open, booking.id]);
  return <ul onClick={() => setOpen(!open)}>{booking.attendees.map((a) => <li key={a.email}>{a.email ?? 'unknown'}</li>)}</ul>;
}
`;

const file = (text: string, name = '/virtual/sample.tsx') => ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);

/** The recursive walk the iterative one replaces: the order to keep, and the overflow to lose. */
function recursiveWalk(tsm: typeof ts, root: ts.Node, visit: (node: ts.Node) => 'skip' | 'stop' | void): void {
  let stopped = false;
  const go = (node: ts.Node): void => {
    if (stopped) return;
    const step = visit(node);
    if (step === 'stop') stopped = true;
    else if (step !== 'skip') tsm.forEachChild(node, go);
  };
  go(root);
}

function collect(walk: typeof walkTree, root: ts.Node, visit: (node: ts.Node) => 'skip' | 'stop' | void = () => undefined): ts.Node[] {
  const seen: ts.Node[] = [];
  walk(ts, root, (node) => {
    seen.push(node);
    return visit(node);
  });
  return seen;
}

/** `a + a + … + a`: the parser builds it in a loop, left-deep, one level per term. */
const chainOf = (terms: number, operator = '+') => file(`declare const a: number;\nexport const total = ${Array(terms).fill('a').join(` ${operator} `)};\n`, '/virtual/chain.ts');

/** `((((1))))`, built with the factory: 100,000 levels that no parser would hand over. */
function nestedParentheses(levels: number): ts.Expression {
  let node: ts.Expression = ts.factory.createNumericLiteral(1);
  for (let i = 0; i < levels; i++) node = ts.factory.createParenthesizedExpression(node);
  return node;
}

describe('walkTree', () => {
  const sourceFile = file(sample);

  it('visits every node in the order a recursive forEachChild walk does: pre-order, children in forEachChild order', () => {
    const recursive = collect(recursiveWalk, sourceFile);
    expect(recursive.length).toBeGreaterThan(200);
    expect(collect(walkTree, sourceFile)).toEqual(recursive);
  });

  it("leaves a subtree out on 'skip' and ends on 'stop', as a recursive walk that returns early does", () => {
    const skipFunctions = (node: ts.Node) => (ts.isFunctionLike(node) ? ('skip' as const) : undefined);
    const skipped = collect(walkTree, sourceFile, skipFunctions);
    expect(skipped).toEqual(collect(recursiveWalk, sourceFile, skipFunctions));
    // The functions themselves are seen, nothing inside them.
    expect(skipped.filter((node) => ts.isFunctionLike(node)).map((node) => node.kind)).toEqual([
      ts.SyntaxKind.Constructor,
      ts.SyntaxKind.MethodDeclaration,
      ts.SyntaxKind.FunctionDeclaration,
    ]);
    expect(skipped.some((node) => ts.isReturnStatement(node))).toBe(false);

    const stopAtCatch = (node: ts.Node) => (ts.isCatchClause(node) ? ('stop' as const) : undefined);
    const stopped = collect(walkTree, sourceFile, stopAtCatch);
    expect(stopped).toEqual(collect(recursiveWalk, sourceFile, stopAtCatch));
    expect(ts.isCatchClause(stopped.at(-1)!)).toBe(true);
  });

  it('walkDescendants is the same walk without the root', () => {
    const fn = sourceFile.statements.find(ts.isFunctionDeclaration)!;
    expect(collect(walkDescendants, fn)).toEqual(collect(walkTree, fn).slice(1));
  });

  it('walkTreeWithState hands each child the state its parent chose, as a recursive walk passes it down', () => {
    const iterative: [ts.Node, number][] = [];
    walkTreeWithState(ts, sourceFile, 0, (node, depth) => void iterative.push([node, depth]), (_child, _parent, depth) => depth + 1);
    const recursive: [ts.Node, number][] = [];
    const go = (node: ts.Node, depth: number): void => {
      recursive.push([node, depth]);
      ts.forEachChild(node, (child) => go(child, depth + 1));
    };
    go(sourceFile, 0);
    expect(iterative).toEqual(recursive);
  });

  it('walks a 100,000-term chain and 100,000 nested parentheses, where a recursive walk overflows the stack', () => {
    const chain = chainOf(100_000);
    const nested = nestedParentheses(100_000);
    // The twin this replaces: recursion dies on both.
    expect(() => collect(recursiveWalk, chain)).toThrow(RangeError);
    expect(() => collect(recursiveWalk, nested)).toThrow(RangeError);

    let identifiers = 0;
    walkTree(ts, chain, (node) => void (ts.isIdentifier(node) && identifiers++));
    expect(identifiers).toBe(100_000 + 2); // the terms, `a` declared and `total`
    let deepest = 0;
    walkTreeWithState(ts, nested, 0, (_node, depth) => void (deepest = Math.max(deepest, depth)), (_child, _parent, depth) => depth + 1);
    expect(deepest).toBe(100_000);
  });
});

describe('walkFile', () => {
  it("calls handlers in the walk's order: pre-order, children in forEachChild order", () => {
    const sourceFile = file(sample);
    const seen: ts.Node[] = [];
    const everyKind: Visitor = {};
    const kinds: number = ts.SyntaxKind.Count;
    for (let kind = 0; kind < kinds; kind++) everyKind[kind] = (node) => void seen.push(node);
    walkFile(
      { ts, program: stubProgram(sourceFile), checker: {} as never, sourceFile, rules: [], visitors: [everyKind] },
      () => undefined,
    );
    expect(seen).toEqual(collect(recursiveWalk, sourceFile));
  });

  it('walks a 100,000-term chain with handlers attached', () => {
    const sourceFile = chainOf(100_000);
    let binaries = 0;
    walkFile(
      { ts, program: stubProgram(sourceFile), checker: {} as never, sourceFile, rules: [], visitors: [{ [ts.SyntaxKind.BinaryExpression]: () => void binaries++ }] },
      () => undefined,
    );
    expect(binaries).toBe(100_000 - 1);
  });
});

describe('chainOperands', () => {
  it('reads the operands of one operator left to right, through parentheses, and no further', () => {
    const condition = (file('x = a && (b && c) && !(d || e) && f < 3;', '/virtual/c.ts').statements[0] as ts.ExpressionStatement).expression as ts.BinaryExpression;
    const operands = chainOperands(ts, condition.right, ts.SyntaxKind.AmpersandAmpersandToken);
    expect(operands.map((operand) => operand.getText())).toEqual(['a', 'b', 'c', '!(d || e)', 'f < 3']);
  });

  it('reads a 100,000-term chain', () => {
    const total = (chainOf(100_000, '&&').statements[1] as ts.VariableStatement).declarationList.declarations[0]!.initializer!;
    expect(chainOperands(ts, total, ts.SyntaxKind.AmpersandAmpersandToken)).toHaveLength(100_000);
  });
});

/** walkFile asks the Program only for what the project facts need, lazily: nothing here. */
function stubProgram(sourceFile: ts.SourceFile) {
  const host = ts.createCompilerHost({ noLib: true, noResolve: true });
  host.getSourceFile = (name) => (name === sourceFile.fileName ? sourceFile : undefined);
  return ts.createProgram({ rootNames: [sourceFile.fileName], options: { noLib: true, noResolve: true, jsx: ts.JsxEmit.Preserve }, host });
}
