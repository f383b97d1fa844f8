import { describe, expect, it } from 'vitest';
import { findingsOf } from '../support/lint-text.js';
import { createProject, parseReport, runCli } from '../support/cli.js';

// A rejection nobody handles is fatal to a Node process but only logged in a browser: the rule
// says which, and `inBrowser` sets how browser findings are reported.
const prelude = `import { useEffect } from 'react';
declare function save(): Promise<void>;
`;
const findings = (code: string, file = 'react.tsx', options?: object) => findingsOf('no-floating-promises', code, options, file);

describe('no-floating-promises in browser code', () => {
  it.each([
    ['a "use client" module', `'use client';\n${prelude}export function refresh() { save(); }`, 4],
    ['a React hook, even in a .ts file', `${prelude}export function useSync() { useEffect(() => { save(); }, []); }`, 3],
    ['a handler a component defines', `${prelude}export function Form() { const submit = () => { save(); }; return <form onSubmit={submit} />; }`, 3],
    ['a JSX event handler', `${prelude}export const Save = () => <button onClick={() => { save(); }}>Save</button>;`, 3],
    ['a function that reads document', `${prelude}export function onScroll() { if (document.hidden) return; save(); }`, 3],
    ['module-level code of a module that reads window (a browser entry)', `${prelude}async function main() { window.scrollTo(0, 0); await save(); }
main();`, 4],
  ])('worded for the browser in %s', (_, code, line) => {
    const file = /useSync|onScroll|main\(\)/.test(code) ? 'file.ts' : 'react.tsx';
    expect(findings(code, file)).toEqual([`${line}:floatingInBrowser`]);
  });

  it.each([
    ['a module-level helper in a .tsx file (getServerSideProps lives there)', `${prelude}export async function getServerSideProps() { save(); return { props: {} }; }`],
    ['the render body of an async (server) component', `${prelude}export default async function Page() { save(); return <main />; }`],
    ['a "use server" function inside a component', `${prelude}export function Form() { async function act() { 'use server'; save(); } return <form action={act} />; }`],
    ['a "use server" module', `'use server';\n${prelude}export async function act() { save(); }`],
    ['universal code that asks typeof window', `${prelude}export function flush() { if (typeof window === 'undefined') save(); }`],
    ['a function next to one that reads document', `${prelude}export function copy(text: string) { document.title = text; }\nexport function job() { save(); }`],
  ])('worded for Node in %s', (_, code) => {
    expect(findings(code).map((f) => f.split(':')[1])).toEqual(['floating']);
  });

  it('worded for a Node start-up in module-level code of a module whose only window is a property name', () => {
    expect(findings(`${prelude}const config = { window: 5 };\nsave();`).map((f) => f.split(':')[1])).toEqual(['floatingAtStart']);
  });

  it.each([
    ['an if that asks typeof window !== undefined', `${prelude}export function load() { if (typeof window !== 'undefined') { save(); } }`],
    ['a && guard on typeof document', `${prelude}export function load() { typeof document !== 'undefined' && save(); }`],
    ["a guard written 'undefined' !== typeof window at module level", `${prelude}if ('undefined' !== typeof window) save();`],
  ])('worded for the browser behind %s', (_, code) => {
    expect(findings(code).map((f) => f.split(':')[1])).toEqual(['floatingInBrowser']);
  });

  it('reports async callbacks handed to timers from browser code as misused in the browser', () => {
    expect(findings(`${prelude}export function usePoll() { useEffect(() => { const id = setInterval(async () => { await save(); }, 1000); return () => clearInterval(id); }, []); }`, 'file.ts')).toEqual([
      '3:misusedCallbackInBrowser',
    ]);
  });

  it('reports nothing in browser code with inBrowser: off, and still reports server code', () => {
    const browser = `${prelude}export const Save = () => <button onClick={() => { save(); }}>Save</button>;`;
    expect(findings(browser, 'react.tsx', { inBrowser: 'off' })).toEqual([]);
    expect(findings(`${prelude}export async function job() { save(); }`, 'file.ts', { inBrowser: 'off' })).toEqual(['3:floating']);
  });
});

describe('no-floating-promises in the CLI', () => {
  it('reports browser findings as warnings by default and as errors when asked; the app router page body is server code', () => {
    const files = {
      'app/page.tsx': `declare function save(): Promise<void>;\nexport default function Page() { save(); return <main />; }\n`,
      'app/save-button.tsx': `'use client';\ndeclare function save(): Promise<void>;\nexport function SaveButton() { return <button onClick={() => { save(); }}>Save</button>; }\n`,
    };
    const severities = (extra: string) => {
      const dir = createProject({ ...files, '.github/premortem.yml': `preset: strict\n${extra}` }, { withNodeTypes: false });
      return parseReport(runCli(['check', '.', '--format', 'json'], dir).stdout).findings.map((f) => `${f.file} ${f.kind} ${f.severity}`);
    };
    expect(severities('')).toEqual(['app/page.tsx floating error', 'app/save-button.tsx floatingInBrowser warning']);
    expect(severities('rules:\n  no-floating-promises:\n    options: { inBrowser: error }\n')).toEqual([
      'app/page.tsx floating error',
      'app/save-button.tsx floatingInBrowser error',
    ]);
  });
});
