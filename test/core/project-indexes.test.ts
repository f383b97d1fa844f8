import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { getEveryPageIndex, getFetchSummaries, getFunctionName, getProjectFacts, perProgram, perSourceFile, resolveCalledFunction } from '@premortem/core';

function programOf(files: Record<string, string>): ts.Program {
  const options: ts.CompilerOptions = { noLib: true, jsx: ts.JsxEmit.ReactJSX };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name, version) => (name in files ? ts.createSourceFile(name, files[name]!, version, true) : undefined);
  host.fileExists = (name) => name in files;
  host.readFile = (name) => files[name];
  host.directoryExists = (name) => Object.keys(files).some((file) => file.startsWith(name + '/'));
  host.getCurrentDirectory = () => '/virtual';
  return ts.createProgram({ rootNames: Object.keys(files), options, host });
}

/**
 * Program versions as the editor's language service makes them: each edit makes a new Program,
 * and every file whose text did not change is handed over as the same SourceFile object.
 */
function editorSession(initial: Record<string, string>) {
  const files = { ...initial };
  const parsed = new Map<string, ts.SourceFile>();
  let program: ts.Program | undefined;
  return (edits: Record<string, string> = {}): ts.Program => {
    Object.assign(files, edits);
    const options: ts.CompilerOptions = { noLib: true, jsx: ts.JsxEmit.ReactJSX };
    const host = ts.createCompilerHost(options);
    host.getSourceFile = (name, version) => {
      const text = files[name];
      if (text === undefined) return undefined;
      const known = parsed.get(name);
      if (known?.text === text) return known;
      const sourceFile = ts.createSourceFile(name, text, version, true);
      parsed.set(name, sourceFile);
      return sourceFile;
    };
    host.fileExists = (name) => name in files;
    host.readFile = (name) => files[name];
    host.directoryExists = (name) => Object.keys(files).some((file) => file.startsWith(name + '/'));
    host.getCurrentDirectory = () => '/virtual';
    program = ts.createProgram({ rootNames: Object.keys(files), options, host, ...(program ? { oldProgram: program } : {}) });
    return program;
  };
}

function callIn(sourceFile: ts.SourceFile, callee: string): ts.CallExpression {
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(sourceFile) === callee) found = node;
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (!found) throw new Error(`no call to ${callee}`);
  return found;
}

const app = {
  '/virtual/app/layout.tsx': `import { Bell } from './Bell';\nexport default function RootLayout() {\n  return <Bell />;\n}\n`,
  '/virtual/app/Bell.tsx': `import { useEffect } from 'react';\nexport function Bell() {\n  useEffect(() => {\n    fetch('https://example.com/unread');\n  }, []);\n  return null;\n}\n`,
};
const options = { shells: [], layoutPages: 10, extraHooks: [], extraFetchers: [] };

describe('project indexes', () => {
  it('are built once per Program and options, and shared by every file', () => {
    const program = programOf(app);
    const facts = getProjectFacts(ts, program);
    const index = getEveryPageIndex(ts, program, facts, options);
    expect(getEveryPageIndex(ts, program, facts, { ...options })).toBe(index);
    expect(getEveryPageIndex(ts, program, facts, { ...options, layoutPages: 2 })).not.toBe(index);
    expect(getFetchSummaries(ts, program, [])).toBe(getFetchSummaries(ts, program, []));

    const bell = program.getSourceFile('/virtual/app/Bell.tsx')!;
    const layout = program.getSourceFile('/virtual/app/layout.tsx')!;
    expect(index.fetchesIn(bell).map((found) => found.mount)).toEqual(['app/layout.tsx → <Bell> → useEffect()']);
    expect(index.fetchesIn(layout)).toEqual([]);
  });

  it('a new Program (an edit in the editor) gets new indexes', () => {
    const first = programOf(app);
    const second = programOf(app);
    let builds = 0;
    const build = () => ({ build: ++builds });
    expect(perProgram(first, 'k', build)).toBe(perProgram(first, 'k', build));
    expect(perProgram(second, 'k', build)).toEqual({ build: 2 });
  });

  it('a fact of one file is read once per SourceFile object: unchanged files carry it to the next Program', () => {
    const edit = editorSession(app);
    const first = edit();
    const second = edit({ '/virtual/app/layout.tsx': `export default function RootLayout() {\n  return null;\n}\n` });
    const bell = first.getSourceFile('/virtual/app/Bell.tsx')!;
    expect(second.getSourceFile('/virtual/app/Bell.tsx')).toBe(bell);
    expect(second.getSourceFile('/virtual/app/layout.tsx')).not.toBe(first.getSourceFile('/virtual/app/layout.tsx'));
    let reads = 0;
    const read = () => ++reads;
    expect(perSourceFile(bell, 'test-fact', read)).toBe(1);
    expect(perSourceFile(second.getSourceFile('/virtual/app/Bell.tsx')!, 'test-fact', read)).toBe(1);
    expect(perSourceFile(second.getSourceFile('/virtual/app/layout.tsx')!, 'test-fact', read)).toBe(2);
  });

  it('after an edit, the indexes of the new Program follow the edited file', () => {
    const edit = editorSession({
      ...app,
      '/virtual/app/api.ts': `export const api = { list() { return 1; } };\n`,
      '/virtual/app/run.ts': `import { api } from './api';\nexport function run() { return api.added(); }\n`,
    });
    const resolveAdded = (program: ts.Program) => {
      const call = callIn(program.getSourceFile('/virtual/app/run.ts')!, 'api.added');
      const fn = resolveCalledFunction(ts, program, program.getTypeChecker(), call);
      return fn && getFunctionName(ts, fn);
    };
    const mounts = (program: ts.Program) =>
      getEveryPageIndex(ts, program, getProjectFacts(ts, program), options)
        .fetchesIn(program.getSourceFile('/virtual/app/Bell.tsx')!)
        .map((found) => found.mount);

    const first = edit();
    expect(resolveAdded(first)).toBeUndefined();
    expect(mounts(first)).toEqual(['app/layout.tsx → <Bell> → useEffect()']);

    // The project declares a member called \`added\` now, and the layout no longer renders <Bell>.
    const second = edit({
      '/virtual/app/api.ts': `export const api = { list() { return 1; }, added() { return 2; } };\n`,
      '/virtual/app/layout.tsx': `export default function RootLayout() {\n  return null;\n}\n`,
    });
    expect(resolveAdded(second)).toBe('added');
    expect(mounts(second)).toEqual([]);

    // And back: the shell renders <Bell> again.
    const third = edit({ '/virtual/app/layout.tsx': app['/virtual/app/layout.tsx'] });
    expect(mounts(third)).toEqual(['app/layout.tsx → <Bell> → useEffect()']);
  });
});
