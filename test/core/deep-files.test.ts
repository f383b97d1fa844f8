import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_ERROR_RULE_ID,
  analyzeFile,
  defineRule,
  resolveOptions,
  runAnalysis,
  type RuleDefinition,
} from '@premortem/core';
import { rules } from '@premortem/rules';
import { measureNesting } from '../../packages/core/src/ast/nesting-depth.js';
import { MAX_NESTING_DEPTH } from '../../packages/core/src/engine/unanalyzable-files.js';
import { createProject, strictTsconfig } from '../support/cli.js';
import { testRuleMeta } from '../support/test-rule-meta.js';

const floatingPromises = rules.find((rule) => rule.name === 'no-floating-promises')!;

/** A floating promise on line 2 (after `prefix`'s lines): proof that rules ran on the file. */
const withFloatingPromise = (body: string) => `async function save(): Promise<void> { throw new Error(); }\nexport function go(): void { save(); }\n${body}\n`;
const sum = (terms: number) => `declare const a: number;\nexport const total = ${Array(terms).fill('a').join(' + ')};`;
const parentheses = (levels: number) => `export const x = ${'('.repeat(levels)}1${')'.repeat(levels)};`;
/** `o.a.a.a…`: TypeScript parses it in a loop, but binds and checks it one level per link. */
const memberChain = (links: number) => `declare const o: any;\nexport const x = o${'.a'.repeat(links)};`;

function analyze(files: Record<string, string>, extraRules: RuleDefinition[] = []) {
  const dir = createProject({ 'tsconfig.json': strictTsconfig, ...files });
  const enabled = [floatingPromises, ...extraRules].map((rule) => ({ rule, severity: 'error' as const, options: resolveOptions(rule.meta, undefined, undefined) }));
  const result = runAnalysis({ ts, cwd: dir, paths: ['.'], rules: enabled });
  const where = (file: string) => result.findings.filter((f) => f.file.endsWith(file)).map((f) => f.ruleId);
  return { ...result, where };
}

describe('measureNesting', () => {
  const depthOf = (code: string) => measureNesting(ts, ts.createSourceFile('/virtual/x.ts', code, ts.ScriptTarget.ES2022), MAX_NESTING_DEPTH);

  // Literals: `a < a < …` would send the parser after type arguments, by recursion.
  const chain = (operator: string) => `export const x = (${Array(30_000).fill('1').join(` ${operator} `)});`;

  it('counts a chain of arithmetic, bitwise or comparison operators as one level, as the binder and checker walk them', () => {
    for (const operator of ['+', '*', '|', '===', '<']) expect(depthOf(chain(operator)).depth, operator).toBeLessThan(10);
  });

  it('counts every link of a chain of &&, ||, ??, `,` or destructuring assignments: TypeScript recurses through those', () => {
    for (const operator of ['&&', '||', '??', ',']) expect(depthOf(chain(operator)).depth, operator).toBeGreaterThan(30_000);
    expect(depthOf(`let a: number[];\nexport const x = ${'[a] = '.repeat(1000)}[1];`).depth).toBeGreaterThan(1000);
  });

  it('counts every other kind of nesting, parentheses around an operand included', () => {
    // The unsafe twin of the chain: the same operands, each in parentheses, nest one level per term.
    const nested = depthOf(`declare const a: number;\nexport const total = ${'(a + '.repeat(200)}a${')'.repeat(200)};`);
    expect(nested.depth).toBeGreaterThan(400);
    expect(depthOf(memberChain(1000)).depth).toBeGreaterThan(1000);
    expect(depthOf(`export const x = ${'['.repeat(400)}1${']'.repeat(400)};`).depth).toBeGreaterThan(400);
  });

  it('points at the first node past the limit', () => {
    const code = `export const x = ${'['.repeat(MAX_NESTING_DEPTH + 10)}1${']'.repeat(MAX_NESTING_DEPTH + 10)};`;
    const sourceFile = ts.createSourceFile('/virtual/x.ts', code, ts.ScriptTarget.ES2022);
    const { firstTooDeep } = measureNesting(ts, sourceFile, MAX_NESTING_DEPTH);
    expect(firstTooDeep && ts.isArrayLiteralExpression(firstTooDeep)).toBe(true);
    // Source file, statement, declaration list, declaration: the first array is at level 4, so the
    // one at level MAX_NESTING_DEPTH + 1 is the (MAX_NESTING_DEPTH - 3)th bracket, counting from 0.
    expect(firstTooDeep!.getStart(sourceFile)).toBe('export const x = '.length + MAX_NESTING_DEPTH - 3);
    expect(measureNesting(ts, sourceFile, MAX_NESTING_DEPTH + 20).firstTooDeep).toBeUndefined();
  });
});

describe('what TypeScript itself does with these files, without the guards', () => {
  /** Parses and binds one file the way a Program does, with TypeScript's own host: its exports. */
  function bind(code: string): string[] {
    const dir = createProject({ 'tsconfig.json': strictTsconfig, 'src/x.ts': code }, { withNodeTypes: false });
    const program = ts.createProgram({ rootNames: [`${dir}/src/x.ts`], options: { noLib: true, types: [] } });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(`${dir}/src/x.ts`)!);
    return [...(module?.exports?.keys() ?? [])].map(String);
  }

  it('overflows in the parser on 20,000 nested parentheses, and in the binder on a 20,000-link member chain it parsed', () => {
    expect(() => ts.createSourceFile('/virtual/x.ts', parentheses(20_000), ts.ScriptTarget.ES2022)).toThrow(RangeError);
    const chain = memberChain(20_000);
    expect(ts.createSourceFile('/virtual/x.ts', chain, ts.ScriptTarget.ES2022).statements).toHaveLength(2);
    expect(() => bind(chain)).toThrow(RangeError);
  });

  it('binds a 30,000-term sum (counted as one level), and overflows on a 30,000-term || chain (counted per link)', () => {
    expect(bind(sum(30_000))).toEqual(['total']);
    expect(() => bind(`declare const a: boolean;\nexport const ok = ${Array(30_000).fill('a').join(' || ')};`)).toThrow(RangeError);
  });
});

describe('a file too deep for TypeScript is one premortem/analysis-error finding; the rest is analyzed', () => {
  it('leaves out a file that parses but is too deep to bind, and says where it went too deep', () => {
    const result = analyze({
      'src/deep.ts': withFloatingPromise(memberChain(20_000)),
      'src/service.ts': withFloatingPromise(''),
    });
    expect(result.where('src/service.ts')).toEqual(['premortem/no-floating-promises']);
    const [finding, ...rest] = result.findings.filter((f) => f.file.endsWith('src/deep.ts'));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: ANALYSIS_ERROR_RULE_ID, severity: 'error', line: 4 });
    expect(finding!.message).toBe(`This file nests 20,004 levels deep, more than premortem can analyze (limit ${MAX_NESTING_DEPTH}); no rule checked it.`);
  });

  it('analyzes the same shape below the limit, and a 30,000-term sum at any length', () => {
    const result = analyze({
      'src/shallow.ts': withFloatingPromise(memberChain(MAX_NESTING_DEPTH - 20)),
      'src/sum.ts': withFloatingPromise(sum(30_000)),
    });
    expect(result.where('src/shallow.ts')).toEqual(['premortem/no-floating-promises']);
    expect(result.where('src/sum.ts')).toEqual(['premortem/no-floating-promises']);
  });

  it('leaves out a file TypeScript’s parser overflows on, at line 1', () => {
    const result = analyze({ 'src/parens.ts': withFloatingPromise(parentheses(20_000)), 'src/service.ts': withFloatingPromise('') });
    expect(result.where('src/service.ts')).toEqual(['premortem/no-floating-promises']);
    const findings = result.findings.filter((f) => f.file.endsWith('src/parens.ts'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: ANALYSIS_ERROR_RULE_ID, line: 1, column: 1 });
    expect(findings[0]!.message).toBe("TypeScript's parser ran out of stack on this file (it nests too deeply); no rule checked it.");
  });

  it('skips a generated file that is too deep as generated, not as an error, whether it parses or not', () => {
    const banner = '// Code generated by protoc-gen-ts. DO NOT EDIT.\n';
    const result = analyze({
      'src/generated/members.ts': banner + memberChain(20_000),
      'src/generated/parens.ts': banner + parentheses(20_000),
      'src/handwritten.ts': memberChain(20_000),
    });
    expect(result.notes).toEqual(['2 generated file(s) skipped (their header says they are generated).']);
    expect(result.findings.map((f) => [f.file.replace(/^.*\/src\//, ''), f.ruleId])).toEqual([['handwritten.ts', ANALYSIS_ERROR_RULE_ID]]);
  });

  it('keeps the fingerprint when the depth changes, not when the file or the reason does', () => {
    const at = (files: Record<string, string>, file: string) => analyze(files).findings.find((f) => f.file.endsWith(file))!.fingerprint;
    const deep = at({ 'src/deep.ts': memberChain(20_000) }, 'src/deep.ts');
    expect(at({ 'src/deep.ts': `// edited\n${memberChain(25_000)}` }, 'src/deep.ts')).toBe(deep);
    expect(at({ 'src/other.ts': memberChain(20_000) }, 'src/other.ts')).not.toBe(deep);
    expect(at({ 'src/deep.ts': parentheses(20_000) }, 'src/deep.ts')).not.toBe(deep);
  });

  it('hands the empty stand-in to the next Program of a monorepo, which binds and reports it again', () => {
    const tsconfig = JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', types: [] } });
    const dir = createProject({
      'packages/a/tsconfig.json': tsconfig,
      'packages/a/deep.ts': memberChain(20_000),
      'packages/b/tsconfig.json': tsconfig,
      'packages/b/uses.ts': withFloatingPromise(`export { x } from '../a/deep.js';`),
    });
    const enabled = [{ rule: floatingPromises, severity: 'error' as const, options: resolveOptions(floatingPromises.meta, undefined, undefined) }];
    const findings = runAnalysis({ ts, cwd: dir, paths: ['.'], rules: enabled }).findings;
    expect(findings.map((f) => [f.file.replace(/^.*\/(?=packages\/)/, ''), f.ruleId])).toEqual([
      ['packages/a/deep.ts', ANALYSIS_ERROR_RULE_ID],
      ['packages/b/uses.ts', 'premortem/no-floating-promises'],
    ]);
  });
});

describe('rules walk code that holds a 30,000-term sum, where their recursive walks overflowed', () => {
  const total = `const total = ${Array(30_000).fill('amount').join(' + ')};`;

  it('no-floating-promises reads a catch block holding it (the listener cannot reject), and reports its twin without try', () => {
    const result = analyze({
      'src/listeners.ts': `import { EventEmitter } from 'node:events';
declare const amount: number;
declare function save(n: number): Promise<void>;
const events = new EventEmitter();
events.on('safe', async () => { try { await save(1); } catch { ${total} console.log(total); } });
events.on('unsafe', async () => { await save(2); });
`,
    });
    expect(result.notes).toEqual([]);
    expect(result.findings.map((f) => [f.line, f.ruleId])).toEqual([[6, 'premortem/no-floating-promises']]);
  });

  it('no-unbounded-retry reads a loop body holding it, with and without an attempt limit', () => {
    const retry = rules.find((rule) => rule.name === 'no-unbounded-retry')!;
    const attempt = `try {\n      ${total}\n      await send(total);\n      return;\n    } catch {\n      // again\n    }`;
    const result = analyze(
      {
        'src/retry.ts': `declare const amount: number;
declare function send(n: number): Promise<void>;
export async function forever(): Promise<void> {
  while (true) {
    ${attempt}
  }
}
export async function thrice(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    ${attempt}
  }
}
`,
      },
      [retry],
    );
    expect(result.notes).toEqual([]);
    expect(result.findings.map((f) => [f.line, f.ruleId])).toEqual([
      [4, 'premortem/no-unbounded-retry'],
      [15, 'premortem/no-unbounded-retry'],
    ]);
    expect(result.findings[0]!.message).not.toBe(result.findings[1]!.message);
  });
});

describe('rules follow calls and declarations a bounded number of steps', () => {
  const rule = (name: string) => rules.find((candidate) => candidate.name === name)!;
  const reactTsconfig = JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', jsx: 'preserve', lib: ['ES2022', 'DOM'], types: [] } });
  /** A component that calls f1, which calls f2, … down to f<length>, which fetches. */
  const callChain = (length: number) =>
    Array.from({ length: length - 1 }, (_, i) => `export function f${i + 1}(): Promise<Response> { return f${i + 2}(); }\n`).join('') +
    `export function f${length}(): Promise<Response> { return fetch('/api/agenda'); }\nexport function Agenda() {\n  void f1();\n  return <div />;\n}\n`;

  it('no-fetch-in-render follows a chain of 50 calls to its fetch, and stops at MAX_CALL_DEPTH on a generated chain of 2,000', () => {
    const dir = createProject({ 'tsconfig.json': reactTsconfig, 'src/short.tsx': callChain(50), 'src/long.tsx': callChain(2000) });
    const inRender = rule('no-fetch-in-render');
    const result = runAnalysis({ ts, cwd: dir, paths: ['.'], rules: [{ rule: inRender, severity: 'error', options: resolveOptions(inRender.meta, undefined, undefined) }] });
    // The long chain overflowed the stack here; its fetch, 2,000 calls down, is not followed.
    expect(result.notes).toEqual([]);
    expect(result.findings.map((f) => [f.file.replace(/^.*\/src\//, ''), f.line, f.message.includes('f49() → f50()')])).toEqual([['short.tsx', 52, true]]);
  });

  it('no-fetch-in-render finds a fetch past the depth from nearer it, whichever files the run holds', () => {
    // g1 → … → g100 → h → fetch: too deep from a.tsx, three calls from b.tsx.
    const chain = Array.from({ length: 100 }, (_, i) => `export function g${i + 1}(): Promise<Response> { return ${i === 99 ? 'h' : `g${i + 2}`}(); }\n`).join('');
    const dir = createProject({
      'tsconfig.json': reactTsconfig,
      'src/chain.ts': `${chain}export function h(): Promise<Response> { return fetch('/api/agenda'); }\n`,
      'src/a.tsx': `import { g1 } from './chain';\nexport function A() {\n  void g1();\n  return <div />;\n}\n`,
      'src/b.tsx': `import { h } from './chain';\nexport function B() {\n  void h();\n  return <div />;\n}\n`,
    });
    const inRender = rule('no-fetch-in-render');
    const findings = (paths: string[]) =>
      runAnalysis({ ts, cwd: dir, paths, rules: [{ rule: inRender, severity: 'error', options: resolveOptions(inRender.meta, undefined, undefined) }] }).findings.map(
        (f) => `${f.file.replace(/^.*\/src\//, '')}:${f.line}`,
      );
    expect(findings(['src/b.tsx'])).toEqual(['b.tsx:3']);
    expect(findings(['src/a.tsx', 'src/b.tsx'])).toEqual(['b.tsx:3']);
    expect(findings(['.'])).toEqual(['b.tsx:3']);
  });

  it('require-rate-limit and no-unbounded-retry stop at a cycle of declarations, which is valid code', () => {
    const result = analyze(
      {
        'src/app.ts': `declare function express(): { post(path: string, ...handlers: unknown[]): void };
const app = express();
var a: any = b;
var b: any = a;
app.post('/users', a, async () => db.user.create({}));
declare function send(): Promise<void>;
export async function retry(): Promise<void> {
  var limit: number = max;
  var max: number = limit;
  for (let attempt = 0; attempt < limit; attempt++) {
    try {
      await send();
      return;
    } catch {
      // again
    }
  }
}
declare const db: { user: { create(data: object): Promise<unknown> } };
`,
      },
      [rule('require-rate-limit'), rule('no-unbounded-retry')],
    );
    // Both rules overflowed the stack on this file, and said so in a note. The route writes (a
    // public write, reported) behind a middleware that is a cycle of names. The retry loop has no
    // wait and a bound the rule cannot read (the cycle), so it is reported as such.
    expect(result.notes).toEqual([]);
    expect(result.findings.map((f) => [f.line, f.ruleId])).toEqual([
      [5, 'premortem/require-rate-limit'],
      [10, 'premortem/no-unbounded-retry'],
    ]);
    expect(result.findings[1]!.message).toContain('as many attempts as `limit` allows with no wait');
  });
});

describe('a stack overflow while analyzing one file', () => {
  const meta = testRuleMeta({ never: 'never' });
  /** A detector that walks by recursion, as ours did: it overflows on a long chain. */
  const recursiveCounter = defineRule<'never', object>({
    name: 'recursive-counter',
    meta,
    create: (context) => ({
      [context.ts.SyntaxKind.SourceFile]: (node) => {
        const visit = (child: ts.Node): void => void context.ts.forEachChild(child, visit);
        visit(node);
      },
    }),
  });

  it('in a rule, stops that rule for the file with a note; the other rules still report', () => {
    const result = analyze({ 'src/sum.ts': withFloatingPromise(sum(30_000)) }, [recursiveCounter]);
    expect(result.where('src/sum.ts')).toEqual(['premortem/no-floating-promises']);
    expect(result.notes).toEqual([expect.stringMatching(/^rule premortem\/recursive-counter failed on src\/sum\.ts:1 .*Maximum call stack size exceeded/)]);
  });

  function analyzeWithEngineVisitor(visitor: (node: ts.Node) => void) {
    const code = withFloatingPromise('');
    const fileName = '/virtual/file.ts';
    const options: ts.CompilerOptions = { noLib: true, noResolve: true };
    const host = ts.createCompilerHost(options);
    host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, code, version, true) : undefined);
    const program = ts.createProgram({ rootNames: [fileName], options, host });
    return analyzeFile({
      ts,
      program,
      checker: program.getTypeChecker(),
      sourceFile: program.getSourceFile(fileName)!,
      rules: [],
      relativePath: () => 'file.ts',
      onRuleError: () => undefined,
      // The engine's own handlers (the query collector) are not guarded like rules.
      visitors: [{ [ts.SyntaxKind.SourceFile]: visitor }],
    });
  }

  it("in the engine's own code, becomes the file's one premortem/analysis-error finding", () => {
    const overflow = (): number => overflow() + 1;
    const findings = analyzeWithEngineVisitor(() => overflow());
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: ANALYSIS_ERROR_RULE_ID, line: 1, column: 1, message: 'Analyzing this file ran out of stack; no rule checked it.' }),
    ]);
  });

  it("lets any other failure of the engine's own code through: it is a bug to see, not a file to skip", () => {
    expect(() =>
      analyzeWithEngineVisitor(() => {
        throw new RangeError('Invalid array length');
      }),
    ).toThrow('Invalid array length');
  });
});
