import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { getImportSource } from '@premortem/core';

const code = `import pRetry from 'p-retry';
import * as retry from 'retry';
import { backOff as withBackoff, type Options } from 'exponential-backoff';
pRetry(() => 1);
retry.operation();
withBackoff(() => 1);
const options: Options = {};
function inner(pRetry: (f: () => number) => number) {
  return pRetry(() => 2);
}
const other = { withBackoff: 1 };
other.withBackoff;
`;

function setUp() {
  const fileName = '/virtual/retry.ts';
  const options: ts.CompilerOptions = { noLib: true };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, code, version, true) : undefined);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  const sourceFile = program.getSourceFile(fileName)!;
  const checker = program.getTypeChecker();
  let checkerCalls = 0;
  const counting = new Proxy(checker, {
    get(target, property) {
      if (property === 'getSymbolAtLocation') checkerCalls++;
      return Reflect.get(target, property) as unknown;
    },
  });
  /** The `n`th identifier spelled `name` in the file. */
  const identifier = (name: string, n = 0): ts.Identifier => {
    const found: ts.Identifier[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && node.text === name) found.push(node);
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return found[n]!;
  };
  return { source: (id: ts.Identifier) => getImportSource(ts, counting, id), identifier, calls: () => checkerCalls };
}

describe('getImportSource', () => {
  it('reads default, namespace and renamed imports without the checker when the name is not redeclared', () => {
    const { source, identifier, calls } = setUp();
    expect(source(identifier('retry', 1))).toEqual({ module: 'retry', imported: '*' });
    expect(source(identifier('withBackoff', 1))).toEqual({ module: 'exponential-backoff', imported: 'backOff' });
    expect(calls()).toBe(0);
  });

  it('asks the checker where a scope may shadow the import, and honours the shadowing', () => {
    const { source, identifier, calls } = setUp();
    // pRetry is also a parameter of inner(): the module-level call is the import, the inner one is not.
    expect(source(identifier('pRetry', 1))).toEqual({ module: 'p-retry', imported: 'default' });
    expect(source(identifier('pRetry', 3))).toBeUndefined();
    expect(calls()).toBe(2);
  });

  it('does not take a property that shares an imported name for the import', () => {
    const { source, identifier } = setUp();
    expect(source(identifier('withBackoff', 3))).toBeUndefined();
    expect(source(identifier('inner'))).toBeUndefined();
  });
});
