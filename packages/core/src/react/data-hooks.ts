import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import { isFunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { getImportSource, resolveSymbol } from '../ast/symbols.js';
import { someNode } from '../ast/walk-tree.js';
import { getPropertyValue } from '../prisma/query-shape.js';
import { resolveLocalObject } from '../prisma/recognize-call.js';
import type { TypeScriptModule } from '../rule.js';
import { urlPattern, type FetchTarget } from './fetch-calls.js';
import { isNonGatingCondition } from './gating.js';
import type { FetchChain, FetchSummaries } from './fetch-summaries.js';
import { functionOf } from './fetch-summaries.js';
import { calleeName } from './react-functions.js';

/** A data-fetching hook call: it requests on mount unless its options gate it. */
export interface DataHookCall {
  call: ts.CallExpression;
  /** `useQuery`, `trpc.bookings.search.useQuery`, `useSWR`… */
  label: string;
  /** Disabled or keyed by a condition (`enabled: open`, `skipToken`, a `null` SWR key, Apollo `skip`). */
  gated: boolean;
  target: FetchTarget;
  /** The request its query function sends, when that is project code. */
  chain?: FetchChain;
}

const TANSTACK_MODULES = new Set(['@tanstack/react-query', 'react-query', '@tanstack/react-query-next-experimental']);
const TANSTACK_HOOKS = new Set(['useQuery', 'useSuspenseQuery', 'useInfiniteQuery', 'useSuspenseInfiniteQuery', 'useQueries', 'useSuspenseQueries']);
const APOLLO_MODULES = new Set(['@apollo/client', '@apollo/client/react', '@apollo/client/react/hooks', '@apollo/experimental-nextjs-app-support']);
const APOLLO_HOOKS = new Set(['useQuery', 'useSuspenseQuery', 'useBackgroundQuery']);
const URQL_MODULES = new Set(['urql', '@urql/next']);
const SWR_MODULES = new Set(['swr', 'swr/infinite', 'swr/immutable']);
/** tRPC's React hooks on a procedure: `trpc.a.b.useQuery()`. */
const TRPC_HOOKS = new Set(['useQuery', 'useSuspenseQuery', 'useInfiniteQuery', 'useSuspenseInfiniteQuery']);
const TRPC_FACTORIES = new Set(['createTRPCReact', 'createTRPCNext', 'createTRPCProxyClient', 'createTRPCReactProxy']);

export interface DataHookRecognizer {
  ts: TypeScriptModule;
  checker: TypeQueries;
  summaries: FetchSummaries;
  /** More hook names (from packages) that fetch on mount, e.g. `useMeQuery`. */
  extraHooks: readonly string[];
}

export function recognizeDataHook(recognizer: DataHookRecognizer, call: ts.CallExpression): DataHookCall | undefined {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isPropertyAccessExpression(callee) && TRPC_HOOKS.has(callee.name.text)) {
    const path = trpcProcedurePath(recognizer, callee.expression);
    if (path) {
      return {
        call,
        label: `${rootName(tsm, callee)}.${path.join('.')}.${callee.name.text}`,
        gated: isSkipToken(tsm, call.arguments[0]) || hasGate(tsm, call.arguments[1], 'enabled'),
        target: { kind: 'trpc', path },
      };
    }
  }
  const name = calleeName(tsm, callee);
  if (!name) return undefined;
  const family = hookFamily(recognizer, callee, name);
  switch (family) {
    case 'tanstack':
      return tanstackHook(recognizer, call, name);
    case 'swr':
      return swrHook(recognizer, call, name);
    case 'apollo':
      return { call, label: name, gated: hasGate(tsm, call.arguments[1], 'skip', false) || isSkipToken(tsm, call.arguments[1]), target: { kind: 'unknown' } };
    case 'urql':
      return { call, label: name, gated: hasGate(tsm, call.arguments[0], 'pause', false), target: { kind: 'unknown' } };
    case 'extra':
      return { call, label: name, gated: hasGate(tsm, call.arguments.at(-1), 'enabled'), target: { kind: 'unknown' } };
    default:
      return undefined;
  }
}

type HookFamily = 'tanstack' | 'swr' | 'apollo' | 'urql' | 'extra';

/** Which library a hook comes from, by its import; names alone only for configured hooks. */
function hookFamily(recognizer: DataHookRecognizer, callee: ts.Expression, name: string): HookFamily | undefined {
  const { ts: tsm, checker } = recognizer;
  if (recognizer.extraHooks.includes(name)) return 'extra';
  const identifier = tsm.isIdentifier(callee) ? callee : tsm.isPropertyAccessExpression(callee) && tsm.isIdentifier(callee.expression) ? callee.expression : undefined;
  if (!identifier) return undefined;
  const source = getImportSource(tsm, checker, identifier);
  if (!source) return undefined;
  const imported = identifier === callee ? source.imported : name;
  if (TANSTACK_MODULES.has(source.module) && TANSTACK_HOOKS.has(imported)) return 'tanstack';
  if (APOLLO_MODULES.has(source.module) && APOLLO_HOOKS.has(imported)) return 'apollo';
  if (URQL_MODULES.has(source.module) && imported === 'useQuery') return 'urql';
  if (SWR_MODULES.has(source.module) && (source.imported === 'default' || imported === 'useSWR' || imported === 'useSWRInfinite')) return 'swr';
  return undefined;
}

function tanstackHook(recognizer: DataHookRecognizer, call: ts.CallExpression, name: string): DataHookCall {
  const { ts: tsm } = recognizer;
  const first = call.arguments[0] ? skipOuterExpressions(tsm, call.arguments[0]) : undefined;
  // v4 positional form: useQuery(key, fn, options).
  if (first && (tsm.isArrayLiteralExpression(first) || tsm.isStringLiteralLike(first))) {
    const fn = call.arguments[1];
    const options = call.arguments[2] ?? (fn && tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, fn)) ? fn : undefined);
    const chain = fn ? functionChain(recognizer, fn) : undefined;
    return { call, label: name, gated: hasGate(tsm, options, 'enabled'), target: chain?.fetch.target ?? { kind: 'unknown' }, ...(chain ? { chain } : {}) };
  }
  // tRPC v11's TanStack integration: useQuery(trpc.a.b.queryOptions(input, opts)).
  if (first && tsm.isCallExpression(first)) {
    const options = skipOuterExpressions(tsm, first.expression);
    if (tsm.isPropertyAccessExpression(options) && /^(queryOptions|infiniteQueryOptions)$/.test(options.name.text)) {
      const path = trpcProcedurePath(recognizer, options.expression);
      if (path) {
        return {
          call,
          label: `${name}(${rootName(tsm, options)}.${path.join('.')}.${options.name.text}())`,
          gated: isSkipToken(tsm, first.arguments[0]) || hasGate(tsm, first.arguments[1], 'enabled'),
          target: { kind: 'trpc', path },
        };
      }
    }
    if (calleeName(tsm, first.expression) === 'queryOptions' && first.arguments[0]) return tanstackOptions(recognizer, call, name, first.arguments[0]);
  }
  if (name === 'useQueries' || name === 'useSuspenseQueries') {
    const queries = first && tsm.isObjectLiteralExpression(first) ? getPropertyValue(tsm, first, 'queries') : undefined;
    const list = queries ? skipOuterExpressions(tsm, queries) : undefined;
    const gated = !!list && tsm.isArrayLiteralExpression(list) && list.elements.every((element) => hasGate(tsm, element, 'enabled') || isSkipQueryFn(tsm, element));
    return { call, label: name, gated, target: { kind: 'unknown' } };
  }
  return first ? tanstackOptions(recognizer, call, name, first) : { call, label: name, gated: false, target: { kind: 'unknown' } };
}

function tanstackOptions(recognizer: DataHookRecognizer, call: ts.CallExpression, name: string, options: ts.Expression): DataHookCall {
  const { ts: tsm } = recognizer;
  const object = resolveLocalObject(tsm, options);
  const queryFn = object ? getPropertyValue(tsm, object, 'queryFn') : undefined;
  const chain = queryFn ? functionChain(recognizer, queryFn) : undefined;
  return {
    call,
    label: name,
    gated: hasGate(tsm, options, 'enabled') || isSkipQueryFn(tsm, options),
    target: chain?.fetch.target ?? { kind: 'unknown' },
    ...(chain ? { chain } : {}),
  };
}

function swrHook(recognizer: DataHookRecognizer, call: ts.CallExpression, name: string): DataHookCall {
  const { ts: tsm } = recognizer;
  const key = call.arguments[0] ? skipOuterExpressions(tsm, call.arguments[0]) : undefined;
  // useSWRInfinite's key function returns null after the last page, not before the first one.
  const infinite = /infinite/i.test(name) || swrModule(recognizer, call) === 'swr/infinite';
  const gated = !key || (infinite && isFunctionLike(tsm, key) ? false : isConditionalKey(tsm, key));
  const url = key ? swrUrl(tsm, recognizer.checker, key) : undefined;
  const fetcher = call.arguments[1] && !tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, call.arguments[1])) ? call.arguments[1] : undefined;
  const chain = fetcher ? functionChain(recognizer, fetcher) : undefined;
  const target: FetchTarget = url !== undefined ? { kind: 'url', url, method: 'GET' } : (chain?.fetch.target ?? { kind: 'unknown' });
  return { call, label: name, gated, target, ...(chain ? { chain } : {}) };
}

function swrModule({ ts: tsm, checker }: DataHookRecognizer, call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  return tsm.isIdentifier(callee) ? getImportSource(tsm, checker, callee)?.module : undefined;
}

/**
 * SWR's key is the fetcher's argument: `'/api/me'` or `['/api/me', id]` names the URL; so does
 * a key that is null until something loads (`session ? '/api/me' : null`, `session && '/api/me'`,
 * `() => …`), once it asks.
 */
function swrUrl(tsm: TypeScriptModule, checker: TypeQueries, key: ts.Expression): string | undefined {
  const value = skipOuterExpressions(tsm, key);
  if (tsm.isConditionalExpression(value)) return swrUrl(tsm, checker, value.whenTrue) ?? swrUrl(tsm, checker, value.whenFalse);
  if (tsm.isBinaryExpression(value) && value.operatorToken.kind === tsm.SyntaxKind.AmpersandAmpersandToken) return swrUrl(tsm, checker, value.right);
  if (tsm.isArrowFunction(value) && !tsm.isBlock(value.body)) return swrUrl(tsm, checker, value.body);
  const first = tsm.isArrayLiteralExpression(value) ? value.elements[0] : value;
  const url = first ? urlPattern(tsm, first, checker) : undefined;
  return url !== undefined && (url.startsWith('/') || /^https?:/.test(url)) ? url : undefined;
}

/** A key that can be `null`: SWR does not fetch then. */
function isConditionalKey(tsm: TypeScriptModule, key: ts.Expression): boolean {
  if (key.kind === tsm.SyntaxKind.NullKeyword || (tsm.isIdentifier(key) && key.text === 'undefined')) return true;
  // `session ? '/api/x' : null` is null only until the session loads: not a gate.
  if (tsm.isConditionalExpression(key)) return !isNonGatingCondition(tsm, key.condition);
  if (tsm.isBinaryExpression(key) && key.operatorToken.kind === tsm.SyntaxKind.AmpersandAmpersandToken) return !isNonGatingCondition(tsm, key.left);
  if (isFunctionLike(tsm, key)) return containsNullish(tsm, key);
  return false;
}

function containsNullish(tsm: TypeScriptModule, node: ts.Node): boolean {
  return someNode(tsm, node, (child) => child.kind === tsm.SyntaxKind.NullKeyword || tsm.isConditionalExpression(child) || (tsm.isIdentifier(child) && child.text === 'undefined'));
}

/**
 * Whether an options object turns the fetch off, now or under a condition: `enabled: open`
 * (anything but a literal `true`; for Apollo's `skip` and urql's `pause`, anything but `false`),
 * unless the condition only waits for the session or the first client render (see gating.ts).
 */
function hasGate(tsm: TypeScriptModule, options: ts.Expression | undefined, key: string, ungatedLiteral = true): boolean {
  if (!options) return false;
  const object = resolveLocalObject(tsm, options);
  if (!object) return false;
  const value = getPropertyValue(tsm, object, key);
  if (!value) return false;
  const literal = skipOuterExpressions(tsm, value);
  const ungated = ungatedLiteral ? tsm.SyntaxKind.TrueKeyword : tsm.SyntaxKind.FalseKeyword;
  if (literal.kind === ungated) return false;
  // `enabled: status === 'authenticated'` waits for the session only; `skip: !session` likewise.
  return !isNonGatingCondition(tsm, literal);
}

function isSkipQueryFn(tsm: TypeScriptModule, options: ts.Expression): boolean {
  const object = resolveLocalObject(tsm, options);
  const queryFn = object ? getPropertyValue(tsm, object, 'queryFn') : undefined;
  return queryFn !== undefined && isSkipToken(tsm, queryFn);
}

/** `skipToken`, or a value that is `skipToken` under a condition. */
function isSkipToken(tsm: TypeScriptModule, expression: ts.Expression | undefined): boolean {
  if (!expression) return false;
  return someNode(tsm, expression, (node) => tsm.isIdentifier(node) && node.text === 'skipToken', (node) => isFunctionLike(tsm, node));
}

function functionChain(recognizer: DataHookRecognizer, expression: ts.Expression): FetchChain | undefined {
  const { ts: tsm, checker, summaries } = recognizer;
  const value = skipOuterExpressions(tsm, expression);
  if (isFunctionLike(tsm, value)) return value.body ? summaries.firstFetchIn(value.body) : undefined;
  if (!tsm.isIdentifier(value) && !tsm.isPropertyAccessExpression(value)) return undefined;
  const declaration = resolveSymbol(tsm, checker, tsm.isPropertyAccessExpression(value) ? value.name : value)?.valueDeclaration;
  const fn = declaration ? functionOf(tsm, declaration) : undefined;
  return fn ? summaries.functionFetch(fn) : undefined;
}

function rootName(tsm: TypeScriptModule, access: ts.PropertyAccessExpression): string {
  let root: ts.Expression = access;
  while (tsm.isPropertyAccessExpression(root)) root = skipOuterExpressions(tsm, root.expression);
  return tsm.isIdentifier(root) ? root.text : 'trpc';
}

/**
 * The procedure path of `trpc.bookings.search` when `trpc` is a tRPC React client: made by
 * `createTRPCReact`/`createTRPCNext` in the project, or imported from a module that says tRPC.
 */
function trpcProcedurePath(recognizer: DataHookRecognizer, expression: ts.Expression): string[] | undefined {
  const { ts: tsm, checker } = recognizer;
  const segments: string[] = [];
  let root = skipOuterExpressions(tsm, expression);
  while (tsm.isPropertyAccessExpression(root)) {
    segments.unshift(root.name.text);
    root = skipOuterExpressions(tsm, root.expression);
  }
  if (segments.length === 0 || !tsm.isIdentifier(root)) return undefined;
  const declaration = resolveSymbol(tsm, checker, root)?.valueDeclaration;
  if (declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) {
    const initializer = skipOuterExpressions(tsm, declaration.initializer);
    const factory = tsm.isCallExpression(initializer) ? calleeName(tsm, initializer.expression) : undefined;
    if (factory && TRPC_FACTORIES.has(factory)) return segments;
    // useTRPC() from tRPC's TanStack integration: `const trpc = useTRPC()`.
    if (factory === 'useTRPC') return segments;
  }
  const source = getImportSource(tsm, checker, root);
  if (source && (/trpc/i.test(source.module) || /^(trpc|api)$/.test(root.text))) return segments;
  if (!source && !declaration && /^(trpc|api)$/.test(root.text)) return segments;
  return undefined;
}
