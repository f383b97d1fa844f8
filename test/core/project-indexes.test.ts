import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { getEveryPageIndex, getFetchSummaries, getProjectFacts, perProgram } from '@premortem/core';

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
});
