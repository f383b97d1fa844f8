import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules as coreRules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';
import { createTypedRuleTester, eslintRule } from '../support/rule-tester.js';

const rule = eslintRule('no-fetch-in-render');
const ruleTester = createTypedRuleTester();

// Real React types (@types/react); HTTP clients are imported but not installed, as in a fresh checkout.
const prelude = `import { useCallback, useEffect, useLayoutEffect, useMemo, useState } from 'react';
import axios from 'axios';
import { useQuery } from '@tanstack/react-query';
`;
const code = (body: string) => prelude + body;
const line = (n: number) => 3 + n;

ruleTester.run('no-fetch-in-render', rule, {
  valid: [
    {
      name: 'fetch in an event handler',
      filename: 'react.tsx',
      code: code(`export function Save() {\n  return <button onClick={() => fetch('/api/save', { method: 'POST' })}>Save</button>;\n}`),
    },
    {
      name: 'effect with an empty dependency array',
      filename: 'react.tsx',
      code: code(`export function Me() {\n  const [me, setMe] = useState<unknown>(null);\n  useEffect(() => {\n    fetch('/api/me').then((r) => r.json()).then(setMe);\n  }, []);\n  return <p>{String(me)}</p>;\n}`),
    },
    {
      name: 'effect depending on a prop and on state',
      filename: 'react.tsx',
      code: code(`export function User({ id }: { id: string }) {\n  const [page] = useState(1);\n  useEffect(() => {\n    void axios.get(\`/api/users/\${id}?page=\${page}\`);\n  }, [id, page]);\n  return null;\n}`),
    },
    {
      name: 'memoized object and callback dependencies',
      filename: 'react.tsx',
      code: code(`export function List({ team }: { team: string }) {\n  const filters = useMemo(() => ({ team }), [team]);\n  const load = useCallback(() => fetch('/api/list?team=' + filters.team), [filters]);\n  useEffect(() => {\n    void load();\n  }, [filters, load]);\n  return null;\n}`),
    },
    {
      name: 'an unstable dependency of an effect that does not fetch',
      filename: 'react.tsx',
      code: code(`export function Title() {\n  const options = { title: 'x' };\n  useEffect(() => {\n    document.title = options.title;\n  }, [options]);\n  return null;\n}`),
    },
    {
      name: 'a data hook deduplicates: useQuery with an inline queryFn',
      filename: 'react.tsx',
      code: code(`export function Bookings() {\n  const q = useQuery({ queryKey: ['b'], queryFn: () => fetch('/api/bookings').then((r) => r.json()) });\n  return <p>{String(q.data)}</p>;\n}`),
    },
    {
      name: 'async server component: runs once per request',
      filename: 'react.tsx',
      code: code(`export default async function Page() {\n  const res = await fetch('https://api.example.com/stats');\n  return <p>{res.status}</p>;\n}`),
    },
    {
      name: 'lazy initial state runs once',
      filename: 'react.tsx',
      code: code(`export function Once() {\n  const [p] = useState(() => fetch('/api/once'));\n  return <p>{String(p)}</p>;\n}`),
    },
    {
      name: 'not a component: a lowercase helper',
      filename: 'react.tsx',
      code: code(`export function loadAll() {\n  return fetch('/api/all');\n}`),
    },
    {
      name: 'a project function that does not fetch',
      filename: 'react.tsx',
      code: code(`function format(n: number) { return n.toFixed(2); }\nexport function Price({ n }: { n: number }) {\n  return <p>{format(n)}</p>;\n}`),
    },
    {
      name: 'a local function named fetch is not the platform fetch',
      filename: 'react.tsx',
      code: code(`function fetch(key: string) { return key.toUpperCase(); }\nexport function Label({ k }: { k: string }) {\n  return <p>{fetch(k)}</p>;\n}`),
    },
    {
      name: 'effect without dependencies that does not fetch',
      filename: 'react.tsx',
      code: code(`export function Scroll() {\n  useLayoutEffect(() => {\n    window.scrollTo(0, 0);\n  });\n  return null;\n}`),
    },
  ],
  invalid: [
    {
      name: 'fetch in the render body',
      filename: 'react.tsx',
      code: code(`export function Stats() {\n  const [n, setN] = useState(0);\n  fetch('/api/stats').then((r) => r.json()).then(setN);\n  return <p>{n}</p>;\n}`),
      errors: [{ messageId: 'fetchInRender', line: line(3), column: 3, data: { fetch: 'fetch', kind: 'component', name: 'Stats', via: '' } }],
    },
    {
      name: 'axios in a custom hook body',
      filename: 'react.tsx',
      code: code(`export function useTeam(id: string) {\n  const request = axios.get(\`/api/teams/\${id}\`);\n  return request;\n}`),
      errors: [{ messageId: 'fetchInRender', line: line(2), data: { fetch: 'axios.get', kind: 'hook', name: 'useTeam', via: '' } }],
    },
    {
      name: 'through a project function that fetches',
      filename: 'react.tsx',
      code: code(`async function loadProfile(id: string) {\n  const res = await fetch('/api/profile/' + id);\n  return res.json();\n}\nexport const Profile = ({ id }: { id: string }) => {\n  const profile = loadProfile(id);\n  return <p>{String(profile)}</p>;\n};`),
      errors: [{ messageId: 'fetchInRender', line: line(6), column: 19, data: { fetch: 'fetch', kind: 'component', name: 'Profile', via: ' (through loadProfile())' } }],
    },
    {
      name: 'in a useMemo callback and in a map callback during render',
      filename: 'react.tsx',
      code: code(`export function Rows({ ids }: { ids: string[] }) {\n  const first = useMemo(() => fetch('/api/first'), []);\n  return <ul>{ids.map((id) => <li key={id}>{String(fetch('/api/rows/' + id))}</li>)}{String(first)}</ul>;\n}`),
      errors: [
        { messageId: 'fetchInRender', line: line(2), column: 31 },
        { messageId: 'fetchInRender', line: line(3), column: 52 },
      ],
    },
    {
      name: 'effect without a dependency array that fetches',
      filename: 'react.tsx',
      code: code(`export function Preview({ user }: { user: string }) {\n  const [data, setData] = useState<unknown>(null);\n  useEffect(() => {\n    fetch('/api/preview/' + user).then((r) => r.json()).then(setData);\n  });\n  return <p>{String(data)}</p>;\n}`),
      errors: [{ messageId: 'effectWithoutDependencies', line: line(4), column: 5, data: { effect: 'useEffect', name: 'Preview', fetch: 'fetch', via: '' } }],
    },
    {
      name: 'effect without dependencies calling a local async loader',
      filename: 'react.tsx',
      code: code(`export function Feed() {\n  const [items, setItems] = useState<unknown[]>([]);\n  const load = async () => {\n    const res = await axios.get('/api/feed');\n    setItems(res.data);\n  };\n  useEffect(() => {\n    void load();\n  });\n  return <p>{items.length}</p>;\n}`),
      errors: [{ messageId: 'effectWithoutDependencies', line: line(8), column: 10, data: { effect: 'useEffect', name: 'Feed', fetch: 'axios.get', via: ' (through load())' } }],
    },
    {
      name: 'an object made in the body as a dependency',
      filename: 'react.tsx',
      code: code(`export function Search({ term }: { term: string }) {\n  const [hits, setHits] = useState<unknown>(null);\n  const query = { term, limit: 20 };\n  useEffect(() => {\n    fetch('/api/search?q=' + query.term).then((r) => r.json()).then(setHits);\n  }, [query]);\n  return <p>{String(hits)}</p>;\n}`),
      errors: [{ messageId: 'unstableDependency', line: line(6), column: 7, data: { dependency: 'query', what: 'an object', wrapper: 'useMemo', name: 'Search', effect: 'useEffect', fetch: 'fetch', via: '' } }],
    },
    {
      name: 'an inline function and an array as dependencies',
      filename: 'react.tsx',
      code: code(`export function Board({ team }: { team: string }) {\n  const ids = [team];\n  const load = () => axios.post('/api/board', { ids });\n  useEffect(() => {\n    void load();\n  }, [ids, load]);\n  return null;\n}`),
      errors: [
        { messageId: 'unstableDependency', line: line(6), column: 7, data: { dependency: 'ids', what: 'an array', wrapper: 'useMemo', name: 'Board', effect: 'useEffect', fetch: 'axios.post', via: ' (through load())' } },
        { messageId: 'unstableDependency', line: line(6), column: 12, data: { dependency: 'load', what: 'a function', wrapper: 'useCallback', name: 'Board', effect: 'useEffect', fetch: 'axios.post', via: ' (through load())' } },
      ],
    },
    {
      name: 'a value passed to useState each render (not the lazy form)',
      filename: 'react.tsx',
      code: code(`export function Eager() {\n  const [p] = useState(fetch('/api/eager'));\n  return <p>{String(p)}</p>;\n}`),
      errors: [{ messageId: 'fetchInRender', line: line(2), column: 24 }],
    },
  ],
});

describe('no-fetch-in-render in a Next.js app router', () => {
  const rule = coreRules.find((r) => r.name === 'no-fetch-in-render')!;
  const tsconfig = JSON.stringify({ compilerOptions: { jsx: 'react-jsx', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true } });
  const page = `import { Panel } from './Panel';\nexport default function Page() {\n  return <Panel />;\n}\n`;
  const panel = `export function Panel() {\n  const answer = fetch('/api/panel');\n  return <p>{String(answer)}</p>;\n}\n`;
  const reported = (files: Record<string, string>) => {
    const { dir, findings } = analyzeProject(rule, { 'tsconfig.json': tsconfig, 'app/page.tsx': page, ...files });
    return findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`);
  };

  it('stays quiet on a component that a page imports: a server component renders once per request', () => {
    expect(reported({ 'app/Panel.tsx': panel })).toEqual([]);
  });

  it('reports the same component once its module says "use client"', () => {
    expect(reported({ 'app/Panel.tsx': `'use client';\n${panel}` })).toEqual(['app/Panel.tsx:3']);
  });
});
