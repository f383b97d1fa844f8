import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { getFunctionName, resolveCalledFunction } from '@premortem/core';

const files: Record<string, string> = {
  '/virtual/utils.ts': `export function load() { return 1; }
export const helper = () => 2;
export namespace nested { export function deep() { return 3; } }
export { load as loadAlias };`,
  '/virtual/form.ts': `export interface Form { handleSubmit(): void; reset(): void }
export declare function useForm(): Form;`,
  '/virtual/app.ts': `import * as utils from './utils';
import { useForm } from './form';
class Service {
  constructor(private readonly onDone: () => void) {}
  run() { return 4; }
}
function fetchAll() { return 5; }
const api = { fetchAll, save: () => 6 };
export function component(items: number[]) {
  const map = new Map<number, number>();
  const { handleSubmit } = useForm();
  const form = useForm();
  utils.load();
  utils.helper();
  utils.nested.deep();
  utils.loadAlias();
  api.fetchAll();
  api.save();
  new Service(() => undefined).run();
  form.handleSubmit();
  items.map((item) => item);
  map.get(1);
  handleSubmit();
}`,
};

function setUp() {
  const options: ts.CompilerOptions = { noLib: true, strict: true };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name, version) => (files[name] === undefined ? undefined : ts.createSourceFile(name, files[name], version, true));
  host.fileExists = (name) => files[name] !== undefined;
  host.readFile = (name) => files[name];
  host.directoryExists = (name) => name === '/virtual' || name === '/';
  const program = ts.createProgram({ rootNames: Object.keys(files), options, host });
  const checker = program.getTypeChecker();
  let symbolQueries = 0;
  const counting = new Proxy(checker, {
    get(target, property) {
      if (property === 'getSymbolAtLocation' || property === 'getTypeAtLocation') symbolQueries++;
      return Reflect.get(target, property) as unknown;
    },
  });
  const calls = new Map<string, ts.CallExpression>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) calls.set(node.expression.getText(), node);
    ts.forEachChild(node, visit);
  };
  visit(program.getSourceFile('/virtual/app.ts')!);
  const resolve = (callee: string) => {
    const before = symbolQueries;
    const fn = resolveCalledFunction(ts, program, counting, calls.get(callee)!);
    return { name: fn ? (getFunctionName(ts, fn) ?? '(anonymous)') : undefined, asked: symbolQueries > before };
  };
  return { resolve };
}

describe('resolveCalledFunction', () => {
  it('follows member calls to project functions: namespace imports, object literals, classes, re-export aliases', () => {
    const { resolve } = setUp();
    expect(resolve('utils.load').name).toBe('load');
    expect(resolve('utils.helper').name).toBe('helper');
    expect(resolve('utils.nested.deep').name).toBe('deep');
    expect(resolve('utils.loadAlias').name).toBe('load');
    expect(resolve('api.fetchAll').name).toBe('fetchAll');
    expect(resolve('api.save').name).toBe('save');
    expect(resolve('new Service(() => undefined).run').name).toBe('run');
  });

  it('does not ask the checker about member names that only locals declare', () => {
    const { resolve } = setUp();
    // `map` and `get` are declared in the project only as locals: settled without the checker.
    // `handleSubmit` is also an interface member (as a form library's would be): asked about.
    expect(resolve('items.map')).toEqual({ name: undefined, asked: false });
    expect(resolve('map.get')).toEqual({ name: undefined, asked: false });
    expect(resolve('form.handleSubmit')).toEqual({ name: undefined, asked: true });
  });
});
