import { createTypedRuleTester, eslintRule } from '../support/rule-tester.js';

const rule = eslintRule('no-floating-promises');
const ruleTester = createTypedRuleTester();

const CATCH = '.catch((error) => console.error(error))';
const prelude = `
declare function save(): Promise<void>;
declare function load(): Promise<number>;
`;

ruleTester.run('no-floating-promises', rule, {
  valid: [
    // Twins of the invalid statements below: each is handled.
    { name: 'awaited call', code: `${prelude} async function f() { await save(); }` },
    { name: 'returned call', code: `${prelude} function f() { return save(); }` },
    { name: 'arrow expression body returns it', code: `${prelude} const f = () => save();` },
    { name: '.catch with a handler', code: `${prelude} save().catch(() => {});` },
    { name: '.then with a rejection handler', code: `${prelude} save().then(() => {}, () => {});` },
    { name: '.catch before .finally', code: `${prelude} save().catch(() => {}).finally(() => {});` },
    { name: 'void marks a deliberate fire-and-forget', code: `${prelude} void save();` },
    { name: 'assigned then awaited', code: `${prelude} async function f() { const p = save(); await p; }` },
    { name: 'stored then passed on', code: `${prelude} async function f() { const p = save(); await Promise.all([p]); }` },
    { name: 'stored then returned', code: `${prelude} function f() { const p = load(); return p; }` },
    { name: 'stored and given a handler later', code: `${prelude} function f() { const p = save(); p.catch(() => {}); }` },
    { name: 'stored in an exported const', code: `${prelude} export const ready = save();` },
    { name: 'stored from an alias, not a call', code: `${prelude} async function f(p: Promise<void>) { const q = p; }` },
    { name: 'non-thenable call', code: `declare function sync(): number; sync();` },
    { name: 'any-typed call proves nothing', code: `declare const lib: any; lib.run();` },
    { name: 'a then property that is not a method', code: `declare function mk(): { then: number }; mk();` },
    {
      name: 'a then method whose first parameter is not callable',
      code: `declare function mk(): { then(x: number): void }; mk();`,
    },
    {
      name: 'a chain API whose then takes only a callback cannot reject (Cypress-like)',
      code: `interface Chainable<S> { then<R>(fn: (subject: S) => R): Chainable<R>; click(): Chainable<S> }\ndeclare const cy: { get(selector: string): Chainable<unknown> };\ncy.get('button').click();`,
    },
    {
      name: 'a callback whose result is used as a cleanup (React effect-like) is not void-returning',
      code: `${prelude} declare function useEffect(effect: () => void | (() => void)): void; useEffect(async () => { await save(); });`,
    },
    { name: 'awaited Promise.all of mapped promises', code: `${prelude} async function f(ids: number[]) { await Promise.all(ids.map(async () => save())); }` },
    { name: 'map whose result is returned', code: `${prelude} function f(ids: number[]) { return ids.map(() => save()); }` },
    { name: 'assignment stores the promise', code: `${prelude} let p: Promise<void>; p = save();` },
    { name: 'sync callback to forEach', code: `[1, 2].forEach((n) => console.log(n));` },
    { name: 'forEach callback that voids the promise', code: `${prelude} [1, 2].forEach(() => void save());` },
    {
      name: 'async listener whose whole body is try/catch cannot reject',
      code: `${prelude} process.on('SIGTERM', async () => { try { await save(); } catch (error) { console.error(error); } });`,
    },
    {
      name: 'async callback where the parameter accepts a promise',
      code: `${prelude} declare function register(cb: () => Promise<void>): void; register(async () => { await save(); });`,
    },
    {
      name: 'async callback where the parameter returns void | Promise<void>',
      code: `${prelude} declare function use(cb: () => void | Promise<void>): void; use(async () => { await save(); });`,
    },
    {
      name: 'async callback where the parameter returns unknown',
      code: `${prelude} declare function run(cb: () => unknown): void; run(async () => { await save(); });`,
    },
    {
      name: 'an async callback to finally is awaited by the promise itself',
      code: `${prelude} save().catch(() => {}).finally(async () => { await save(); });`,
    },
    { name: 'sync timer callback', code: `setTimeout(() => console.log('tick'), 10);` },
    {
      name: 'JSX event handler prop is browser code (default)',
      filename: 'react.tsx',
      code: `${prelude} export const B = () => <button onClick={async () => { await save(); }}>Save</button>;`,
    },
    {
      name: 'IIFE accepted with ignoreIIFE',
      code: `${prelude} (async () => { await save(); })();`,
      options: [{ ignoreIIFE: true }],
    },
    {
      name: 'void in a client module stays quiet even with ignoreVoid: false',
      filename: 'client.tsx',
      code: `'use client';\n${prelude} export function onSave() { void save(); }`,
      options: [{ ignoreVoid: false }],
    },
    {
      name: 'void on a handled promise is fine in strict mode',
      code: `${prelude} void save().catch(() => {});`,
      options: [{ ignoreVoid: false }],
    },
    { name: 'private field that is awaited', code: `${prelude} class S { private ready = save(); async go() { await this.ready; } }` },
    { name: 'public field may be awaited elsewhere', code: `${prelude} class S { ready = save(); }` },
    {
      name: 'a stored query builder used for its other members is not a dropped promise',
      code: `interface QueryBuilder { where(c: object): QueryBuilder; then<R1, R2 = never>(onFulfilled?: (v: number) => R1, onRejected?: (e: unknown) => R2): Promise<R1 | R2> }\ndeclare function knex(table: string): QueryBuilder;\nfunction f() { const query = knex('bookings'); return query.where({ id: 1 }); }`,
    },
    {
      name: 'a variable named like a property it was built from is not read by that property',
      code: `${prelude} declare const api: { create: { run(): Promise<void> } }; function f() { const create = api.create.run(); return create; }`,
    },
    {
      name: 'a generic parameter hands the callback its own type back (useState-like)',
      code: `${prelude} declare function useState<S>(initial: S | (() => S)): [S]; export const [pending] = useState(async () => { await save(); return 1; });`,
    },
    {
      name: 'a tRPC resolver: the procedure answers with what it returns',
      code: `${prelude} declare const publicProcedure: { input<I>(schema: I): { query<O>(resolver: (o: { input: I }) => O): { output: O } } };\npublicProcedure.input({ id: 1 }).query(async ({ input }) => { await save(); return input; });`,
    },
    // Twins of the typescript-eslint conformance fixes below (fixtures/conformance/no-floating-promises).
    { name: 'a type parameter constrained to an array of numbers', code: `function f<T extends number[]>(xs: T | undefined) { xs; }` },
    {
      name: 'a yield whose generator is resumed with a number',
      code: `function* g(): Generator<number, void, number> { yield 1; }`,
    },
    { name: 'an assertion around a handled promise', code: `${prelude} (save().catch(() => {}) as Promise<void>);` },
    { name: 'an assertion to a type that is not a promise', code: `declare const value: unknown; (value as number);` },
    { name: 'a rejection handler at a known position after the fulfilment one', code: `${prelude} save().then(undefined, () => {});` },
    { name: 'a rejection handler that is a declared function', code: `${prelude} declare const handler: (error: unknown) => void; save().catch(handler);` },
    { name: 'a rejection handler typed any proves nothing', code: `${prelude} declare const handler: any; save().catch(handler);` },
    {
      name: 'an explicit type argument that makes the callback promise-returning',
      code: `${prelude} declare function memo<F extends (...args: never[]) => unknown>(fn: F): F; memo<() => Promise<void>>(async () => { await save(); });`,
    },
    {
      name: 'a spread of void callbacks into a rest parameter of void callbacks',
      code: `declare const hooks: Array<() => void>; declare function runAll(...hooks: Array<() => void>): void; runAll(...hooks);`,
    },
    {
      name: 'a spread of promise-returning functions into a rest parameter that accepts them',
      code: `declare const hooks: Array<() => Promise<void>>; declare function runAll(...hooks: Array<() => Promise<void>>): void; runAll(...hooks);`,
    },
    {
      name: 'overloads where a later signature accepts a promise-returning callback',
      code: `${prelude} declare function it(name: string, fn: () => void): void; declare function it(name: string, fn: () => Promise<void>): void; it('saves', async () => { await save(); });`,
    },
    {
      name: 'a promise method reached by a constant key awaits its callback',
      code: `${prelude} const key = 'finally'; export async function f() { await save()[key](async () => { await save(); }); }`,
    },
    { name: 'callbacks not checked when turned off', code: `${prelude} [1].forEach(async () => { await save(); });`, options: [{ checkCallbacks: false }] },
    { name: 'stored promises not checked when turned off', code: `${prelude} function f() { const p = save(); }`, options: [{ checkStoredPromises: false }] },
  ],
  invalid: [
    {
      name: 'a promise-like query builder with then(onFulfilled, onRejected) counts (Knex-like)',
      code: `interface QueryBuilder<T> { where(c: object): QueryBuilder<T>; then<R1, R2 = never>(onFulfilled?: (v: T) => R1, onRejected?: (e: unknown) => R2): Promise<R1 | R2> }\ndeclare function knex(table: string): QueryBuilder<number>;\nknex('bookings').where({ id: 1 });`,
      errors: [{ messageId: 'floatingAtStart', line: 3, column: 1, suggestions: [
        { messageId: 'suggestCatch', output: `interface QueryBuilder<T> { where(c: object): QueryBuilder<T>; then<R1, R2 = never>(onFulfilled?: (v: T) => R1, onRejected?: (e: unknown) => R2): Promise<R1 | R2> }\ndeclare function knex(table: string): QueryBuilder<number>;\nknex('bookings').where({ id: 1 })${CATCH};` },
        { messageId: 'suggestVoid', output: `interface QueryBuilder<T> { where(c: object): QueryBuilder<T>; then<R1, R2 = never>(onFulfilled?: (v: T) => R1, onRejected?: (e: unknown) => R2): Promise<R1 | R2> }\ndeclare function knex(table: string): QueryBuilder<number>;\nvoid knex('bookings').where({ id: 1 });` },
      ] }],
    },
    {
      name: 'dropped call inside an async function',
      code: `${prelude}async function f() {\n  save();\n}`,
      errors: [
        {
          messageId: 'floating',
          line: 5,
          column: 3,
          endColumn: 9,
          suggestions: [
            { messageId: 'suggestAwait', output: `${prelude}async function f() {\n  await save();\n}` },
            { messageId: 'suggestCatch', output: `${prelude}async function f() {\n  save()${CATCH};\n}` },
            { messageId: 'suggestVoid', output: `${prelude}async function f() {\n  void save();\n}` },
          ],
        },
      ],
    },
    {
      name: 'dropped call at module top level: no await suggestion',
      code: `${prelude}save();`,
      errors: [
        {
          messageId: 'floatingAtStart',
          line: 4,
          column: 1,
          suggestions: [
            { messageId: 'suggestCatch', output: `${prelude}save()${CATCH};` },
            { messageId: 'suggestVoid', output: `${prelude}void save();` },
          ],
        },
      ],
    },
    {
      name: 'function made by util.promisify',
      code: `import { promisify } from 'node:util';\ndeclare function insert(p: string, cb: (err: Error | null, id?: string) => void): void;\nconst insertAsync = promisify(insert);\ninsertAsync('x');`,
      errors: [
        {
          messageId: 'floatingAtStart',
          line: 4,
          column: 1,
          data: { expression: 'insertAsync(…)' },
          suggestions: [
            { messageId: 'suggestCatch', output: `import { promisify } from 'node:util';\ndeclare function insert(p: string, cb: (err: Error | null, id?: string) => void): void;\nconst insertAsync = promisify(insert);\ninsertAsync('x')${CATCH};` },
            { messageId: 'suggestVoid', output: `import { promisify } from 'node:util';\ndeclare function insert(p: string, cb: (err: Error | null, id?: string) => void): void;\nconst insertAsync = promisify(insert);\nvoid insertAsync('x');` },
          ],
        },
      ],
    },
    {
      name: 'optional call of a promise-returning method',
      code: `declare const client: { close?: () => Promise<void> };\nclient.close?.();`,
      errors: [
        {
          messageId: 'floatingAtStart',
          line: 2,
          column: 1,
          suggestions: [
            { messageId: 'suggestCatch', output: `declare const client: { close?: () => Promise<void> };\nclient.close?.()${CATCH};` },
            { messageId: 'suggestVoid', output: `declare const client: { close?: () => Promise<void> };\nvoid client.close?.();` },
          ],
        },
      ],
    },
    {
      name: 'a custom thenable that extends Promise (PrismaPromise-like)',
      code: `interface PrismaPromise<T> extends Promise<T> { readonly tag: 'PrismaPromise' }\ndeclare const db: { user: { delete(): PrismaPromise<{ id: number }> } };\ndb.user.delete();`,
      errors: [
        {
          messageId: 'floatingAtStart',
          line: 3,
          suggestions: [
            { messageId: 'suggestCatch', output: `interface PrismaPromise<T> extends Promise<T> { readonly tag: 'PrismaPromise' }\ndeclare const db: { user: { delete(): PrismaPromise<{ id: number }> } };\ndb.user.delete()${CATCH};` },
            { messageId: 'suggestVoid', output: `interface PrismaPromise<T> extends Promise<T> { readonly tag: 'PrismaPromise' }\ndeclare const db: { user: { delete(): PrismaPromise<{ id: number }> } };\nvoid db.user.delete();` },
          ],
        },
      ],
    },
    {
      name: 'new Promise as a statement',
      code: `new Promise<void>((resolve) => resolve());`,
      errors: [
        {
          messageId: 'floatingAtStart',
          line: 1,
          column: 1,
          data: { expression: 'new Promise(…)' },
          suggestions: [
            { messageId: 'suggestCatch', output: `new Promise<void>((resolve) => resolve())${CATCH};` },
            { messageId: 'suggestVoid', output: `void new Promise<void>((resolve) => resolve());` },
          ],
        },
      ],
    },
    {
      name: 'logical expression whose right side is a promise',
      code: `${prelude}declare const ready: boolean;\nready && save();`,
      // No suggestion: `.catch` on `ready && save()` would throw when `ready` is false.
      errors: [{ messageId: 'floatingAtStart', line: 5, column: 1, data: { expression: 'save(…)' }, suggestions: [] }],
    },
    {
      name: 'conditional with a promise in one branch',
      code: `${prelude}declare const c: boolean;\nc ? save() : null;`,
      errors: [{ messageId: 'floatingAtStart', line: 5, column: 1, suggestions: [] }],
    },
    {
      name: 'comma expression containing a promise',
      code: `${prelude}(save(), 1);`,
      errors: [{ messageId: 'floatingAtStart', line: 4, column: 1, suggestions: [] }],
    },
    {
      name: 'then without a rejection handler',
      code: `${prelude}load().then((n) => console.log(n));`,
      errors: [{ messageId: 'floatingThen', line: 4, column: 1, data: { expression: 'load(…)' }, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}load().then((n) => console.log(n))${CATCH};` },
        { messageId: 'suggestVoid', output: `${prelude}void load().then((n) => console.log(n));` },
      ] }],
    },
    {
      name: 'catch then then: the last then can still reject',
      code: `${prelude}load().catch(() => 0).then((n) => console.log(n));`,
      errors: [{ messageId: 'floatingThen', line: 4, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}load().catch(() => 0).then((n) => console.log(n))${CATCH};` },
        { messageId: 'suggestVoid', output: `${prelude}void load().catch(() => 0).then((n) => console.log(n));` },
      ] }],
    },
    {
      name: 'finally without catch',
      code: `${prelude}save().finally(() => console.log('done'));`,
      errors: [{ messageId: 'floatingFinally', line: 4, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}save().finally(() => console.log('done'))${CATCH};` },
        { messageId: 'suggestVoid', output: `${prelude}void save().finally(() => console.log('done'));` },
      ] }],
    },
    {
      name: 'catch(undefined) handles nothing',
      code: `${prelude}save().catch(undefined);`,
      errors: [{ messageId: 'floatingAtStart', line: 4, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}save().catch(undefined)${CATCH};` },
        { messageId: 'suggestVoid', output: `${prelude}void save().catch(undefined);` },
      ] }],
    },
    {
      name: 'Promise.all not awaited',
      code: `${prelude}async function f() {\n  Promise.all([save(), load()]);\n}`,
      errors: [{ messageId: 'floating', line: 5, column: 3, data: { expression: 'Promise.all(…)' }, suggestions: [
        { messageId: 'suggestAwait', output: `${prelude}async function f() {\n  await Promise.all([save(), load()]);\n}` },
        { messageId: 'suggestCatch', output: `${prelude}async function f() {\n  Promise.all([save(), load()])${CATCH};\n}` },
        { messageId: 'suggestVoid', output: `${prelude}async function f() {\n  void Promise.all([save(), load()]);\n}` },
      ] }],
    },
    {
      name: 'dropped array of promises from map',
      code: `${prelude}async function f(ids: number[]) {\n  ids.map(async (id) => save());\n}`,
      errors: [{ messageId: 'floatingArray', line: 5, column: 3, suggestions: [
        { messageId: 'suggestAwait', output: `${prelude}async function f(ids: number[]) {\n  await Promise.all(ids.map(async (id) => save()));\n}` },
        { messageId: 'suggestVoid', output: `${prelude}async function f(ids: number[]) {\n  void ids.map(async (id) => save());\n}` },
      ] }],
    },
    {
      name: 'async IIFE by default',
      code: `${prelude}(async () => { await save(); })();`,
      errors: [{ messageId: 'floatingAtStart', line: 4, column: 1, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}(async () => { await save(); })()${CATCH};` },
        { messageId: 'suggestVoid', output: `${prelude}void (async () => { await save(); })();` },
      ] }],
    },
    {
      name: 'void reported with ignoreVoid: false in server code',
      code: `${prelude}void save();`,
      options: [{ ignoreVoid: false }],
      errors: [{ messageId: 'floatingVoid', line: 4, column: 1, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}void save()${CATCH};` },
      ] }],
    },
    {
      name: 'a floating statement inside a JSX handler is still a floating promise, worded for the browser',
      filename: 'react.tsx',
      code: `${prelude}export const B = () => <button onClick={() => { save(); }}>Save</button>;`,
      errors: [{ messageId: 'floatingInBrowser', line: 4, column: 49, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}export const B = () => <button onClick={() => { save()${CATCH}; }}>Save</button>;` },
        { messageId: 'suggestVoid', output: `${prelude}export const B = () => <button onClick={() => { void save(); }}>Save</button>;` },
      ] }],
    },
    {
      name: 'async callback to forEach',
      code: `${prelude}[1, 2].forEach(async (id) => {\n  await save();\n});`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 16, endLine: 6, data: { callee: '[1, 2].forEach' } }],
    },
    {
      name: 'promise-returning arrow (not async) to forEach',
      code: `${prelude}[1, 2].forEach(() => save());`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 16 }],
    },
    {
      name: 'async function reference to forEach',
      code: `${prelude}async function handle(n: number) { await save(); }\n[1].forEach(handle);`,
      errors: [{ messageId: 'misusedCallback', line: 5, column: 13 }],
    },
    {
      name: 'async timer callback',
      code: `${prelude}setTimeout(async () => { await save(); }, 1000);`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 12, data: { callee: 'setTimeout' } }],
    },
    {
      name: 'async setInterval, setImmediate and queueMicrotask callbacks',
      code: `${prelude}setInterval(async () => { await save(); }, 10);\nsetImmediate(async () => { await save(); });\nqueueMicrotask(async () => { await save(); });`,
      errors: [
        { messageId: 'misusedCallback', line: 4, column: 13 },
        { messageId: 'misusedCallback', line: 5, column: 14 },
        { messageId: 'misusedCallback', line: 6, column: 16 },
      ],
    },
    {
      name: 'async process.nextTick callback (typed as Function, recognized by name)',
      code: `${prelude}process.nextTick(async () => { await save(); });`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 18, data: { callee: 'process.nextTick' } }],
    },
    {
      name: 'async EventEmitter listener',
      code: `import { EventEmitter } from 'node:events';\n${prelude}const bus = new EventEmitter();\nbus.on('booking', async () => { await save(); });\nbus.once('close', async () => { await save(); });`,
      errors: [
        { messageId: 'misusedCallback', line: 6, column: 19, data: { callee: 'bus.on' } },
        { messageId: 'misusedCallback', line: 7, column: 19, data: { callee: 'bus.once' } },
      ],
    },
    {
      name: 'async process signal handler',
      code: `${prelude}process.on('SIGTERM', async () => { await save(); });`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 23, data: { callee: 'process.on' } }],
    },
    {
      name: 'try/catch whose catch rethrows can still reject',
      code: `${prelude}process.on('SIGTERM', async () => { try { await save(); } catch (e) { throw e; } });`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 23 }],
    },
    {
      name: 'async Promise executor',
      code: `${prelude}export const p = new Promise<void>(async (resolve) => { await save(); resolve(); });`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 36, data: { callee: 'new Promise' } }],
    },
    {
      name: 'JSX handler prop reported when checkJsxAttributes is on',
      filename: 'react.tsx',
      code: `${prelude}export const B = () => <button onClick={async () => { await save(); }}>Save</button>;`,
      options: [{ checkJsxAttributes: true }],
      errors: [{ messageId: 'misusedCallbackInBrowser', line: 4, column: 41, data: { callee: 'onClick' } }],
    },
    {
      name: 'an async function declaration handed to forEach by name',
      code: `${prelude}async function handle(n: number) { await save(); }\n[1, 2].forEach(handle);`,
      errors: [{ messageId: 'misusedCallback', line: 5, column: 16, data: { callee: '[1, 2].forEach' } }],
    },
    {
      name: 'a promisified function handed to forEach',
      code: `import { promisify } from 'node:util';\ndeclare function insert(id: number, done: (error: Error | null) => void): void;\nconst insertAsync = promisify(insert);\n[1, 2].forEach(insertAsync);`,
      errors: [{ messageId: 'misusedCallback', line: 4, column: 16, data: { callee: '[1, 2].forEach' } }],
    },
    {
      name: 'a destructured refetch handed to setInterval',
      code: `declare function useQuery(): { refetch: () => Promise<void> };\nconst { refetch } = useQuery();\nsetInterval(refetch, 15_000);`,
      errors: [{ messageId: 'misusedCallback', line: 3, column: 13, data: { callee: 'setInterval' } }],
    },
    {
      name: 'an async callback to a callback-style query() that ignores it (no procedure in the chain)',
      code: `${prelude}declare const client: { query(sql: string, done: (error: Error | null, rows: unknown[]) => void): void };\nclient.query('select 1', async (error, rows) => { await save(); });`,
      errors: [{ messageId: 'misusedCallback', line: 5, column: 26, data: { callee: 'client.query' } }],
    },
    // Conformance with typescript-eslint's own cases (fixtures/conformance/no-floating-promises).
    {
      name: 'an array of promises behind a type parameter constraint, possibly undefined',
      code: `function f<T extends Promise<void>[]>(pending: T | undefined) {\n  pending;\n}`,
      errors: [{ messageId: 'floatingArray', line: 2, column: 3, suggestions: [
        { messageId: 'suggestVoid', output: `function f<T extends Promise<void>[]>(pending: T | undefined) {\n  void pending;\n}` },
      ] }],
    },
    {
      name: 'a yield whose generator is resumed with a promise (its next type)',
      code: `function* g(): Generator<number, void, Promise<void>> {\n  yield 1;\n}`,
      errors: [{ messageId: 'floating', line: 2, column: 3, suggestions: [] }],
    },
    {
      name: 'a yield* whose delegate returns a promise',
      code: `declare const inner: Generator<number, Promise<void>, void>;\nfunction* g(): Generator<number, void, void> {\n  yield* inner;\n}`,
      errors: [{ messageId: 'floating', line: 3, column: 3, suggestions: [] }],
    },
    {
      name: 'as and angle-bracket assertions to a promise type',
      code: `declare const value: unknown;\n(value as Promise<void>);\n<Promise<void>>value;`,
      errors: [
        { messageId: 'floatingAtStart', line: 2, column: 1, suggestions: [
          { messageId: 'suggestCatch', output: `declare const value: unknown;\n(value as Promise<void>)${CATCH};\n<Promise<void>>value;` },
          { messageId: 'suggestVoid', output: `declare const value: unknown;\nvoid (value as Promise<void>);\n<Promise<void>>value;` },
        ] },
        { messageId: 'floatingAtStart', line: 3, column: 1, suggestions: [] },
      ],
    },
    {
      name: 'a rejection handler after a spread has no known position',
      code: `${prelude}save().then(...[], () => {});`,
      errors: [{ messageId: 'floatingThen', line: 4, suggestions: [
        { messageId: 'suggestCatch', output: `${prelude}save().then(...[], () => {})${CATCH};` },
        { messageId: 'suggestVoid', output: `${prelude}void save().then(...[], () => {});` },
      ] }],
    },
    {
      name: 'rejection handlers that are not functions',
      code: `${prelude}declare const handlerOrLabel: string | (() => void);\nsave().catch(42);\nsave().then(() => {}, handlerOrLabel);`,
      errors: [
        { messageId: 'floatingAtStart', line: 5, suggestions: [
          { messageId: 'suggestCatch', output: `${prelude}declare const handlerOrLabel: string | (() => void);\nsave().catch(42)${CATCH};\nsave().then(() => {}, handlerOrLabel);` },
          { messageId: 'suggestVoid', output: `${prelude}declare const handlerOrLabel: string | (() => void);\nvoid save().catch(42);\nsave().then(() => {}, handlerOrLabel);` },
        ] },
        { messageId: 'floatingThen', line: 6, suggestions: [
          { messageId: 'suggestCatch', output: `${prelude}declare const handlerOrLabel: string | (() => void);\nsave().catch(42);\nsave().then(() => {}, handlerOrLabel)${CATCH};` },
          { messageId: 'suggestVoid', output: `${prelude}declare const handlerOrLabel: string | (() => void);\nsave().catch(42);\nvoid save().then(() => {}, handlerOrLabel);` },
        ] },
      ],
    },
    {
      name: 'an explicit type argument that makes the parameter a void callback',
      code: `${prelude}declare function memo<F extends (...args: never[]) => unknown>(fn: F): F;\nmemo<() => void>(async () => { await save(); });`,
      errors: [{ messageId: 'misusedCallback', line: 5, column: 18 }],
    },
    {
      name: 'a spread of promise-returning functions into a rest parameter of void callbacks',
      code: `declare const hooks: Array<() => Promise<void>>;\ndeclare function runAll(...hooks: Array<() => void>): void;\nrunAll(...hooks);`,
      errors: [{ messageId: 'misusedCallback', line: 3, column: 8, data: { callee: 'runAll' } }],
    },
    {
      name: 'overloads none of which accepts a promise-returning callback',
      code: `${prelude}declare function it(name: string, fn: () => void): void;\ndeclare function it(name: string, fn: () => number): void;\nit('saves', async () => { await save(); });`,
      errors: [{ messageId: 'misusedCallback', line: 6, column: 13 }],
    },
    {
      name: 'a void-callback method reached by a constant key',
      code: `${prelude}declare const registry: { run(cb: () => void): void };\nconst key = 'run';\nregistry[key](async () => { await save(); });`,
      errors: [{ messageId: 'misusedCallback', line: 6, column: 15 }],
    },
    {
      name: 'promise stored in a local and never used',
      code: `${prelude}async function f() {\n  const pending = save();\n  return 1;\n}`,
      errors: [{ messageId: 'storedNeverHandled', line: 5, column: 9, data: { name: 'pending' } }],
    },
    {
      name: 'stored promise only tested for truthiness',
      code: `${prelude}function f() {\n  const p = load();\n  if (p) console.log('started');\n}`,
      errors: [{ messageId: 'storedNeverHandled', line: 5, column: 9 }],
    },
    {
      name: 'module-level promise nobody awaits',
      code: `${prelude}const warmup = load();`,
      errors: [{ messageId: 'storedNeverHandled', line: 4, column: 7 }],
    },
    {
      name: 'private fields holding promises nobody reads',
      code: `${prelude}class Cache {\n  private warm = load();\n  #flush = save();\n  private later!: Promise<void>;\n  constructor() { this.later = save(); }\n}`,
      errors: [
        { messageId: 'storedNeverHandled', line: 5, column: 11, data: { name: 'warm' } },
        { messageId: 'storedNeverHandled', line: 6, column: 3, data: { name: '#flush' } },
        { messageId: 'storedNeverHandled', line: 8, column: 19, data: { name: 'later' } },
      ],
    },
  ],
});
