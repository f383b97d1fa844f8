import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import { isFunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { getImportSource, resolveSymbol } from '../ast/symbols.js';
import type { TypeScriptModule } from '../rule.js';
import { calleeName } from './react-functions.js';

/** What a fetch asks for, when the code says: a URL (for route handlers) or a tRPC procedure. */
export type FetchTarget =
  | { kind: 'url'; url: string; method: string }
  | { kind: 'trpc'; path: string[] }
  | { kind: 'unknown' };

export interface DirectFetch {
  call: ts.CallExpression;
  /** How the message names it: `fetch`, `axios.get`, `trpc client .query()`… */
  label: string;
  target: FetchTarget;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);
/** Default exports of HTTP client packages, callable and with one method per verb. */
const HTTP_CLIENTS = new Map([
  ['axios', 'axios'],
  ['ky', 'ky'],
  ['got', 'got'],
  ['redaxios', 'axios'],
  ['ofetch', 'ofetch'],
  ['wretch', 'wretch'],
]);
const FETCH_MODULES = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'undici', 'unfetch']);
const QUERY_CLIENT_FETCHES = new Set([
  'fetchQuery',
  'prefetchQuery',
  'fetchInfiniteQuery',
  'prefetchInfiniteQuery',
  'ensureQueryData',
  'ensureInfiniteQueryData',
]);
const TRPC_CLIENT_FACTORIES = new Set(['createTRPCProxyClient', 'createTRPCClient', 'createTRPCUntypedClient']);
const TRPC_UTILS_FETCHES = new Set(['fetch', 'prefetch', 'ensureData', 'fetchInfinite', 'prefetchInfinite']);

export interface FetchRecognizer {
  ts: TypeScriptModule;
  checker: TypeQueries;
  /** Extra callee names (`api.get`, `request`) that the user says make network requests. */
  extraFetchers: readonly string[];
}

/** A call that sends a request over the network itself (not through a function of the project). */
export function recognizeFetchCall(recognizer: FetchRecognizer, call: ts.CallExpression): DirectFetch | undefined {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const text = calleeText(tsm, callee);
  if (text && recognizer.extraFetchers.includes(text)) return { call, label: text, target: urlTarget(tsm, call, 'GET') };

  if (tsm.isIdentifier(callee)) {
    if (isGlobalFetch(recognizer, callee)) return { call, label: callee.text, target: urlTarget(tsm, call, methodOption(tsm, call.arguments[1])) };
    const client = httpClientOf(recognizer, callee);
    if (client) return { call, label: client, target: urlTarget(tsm, call, 'GET') };
    return undefined;
  }
  if (!tsm.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(tsm, callee.expression);

  if (method === 'fetch' && tsm.isIdentifier(receiver) && ['window', 'globalThis', 'self'].includes(receiver.text)) {
    return { call, label: 'fetch', target: urlTarget(tsm, call, methodOption(tsm, call.arguments[1])) };
  }
  if (HTTP_METHODS.has(method)) {
    const client = httpClientOf(recognizer, receiver);
    if (client) return { call, label: `${client}.${method}`, target: urlTarget(tsm, call, method === 'request' ? 'GET' : method.toUpperCase()) };
  }
  if (QUERY_CLIENT_FETCHES.has(method) && isQueryClient(recognizer, receiver)) {
    return { call, label: `queryClient.${method}`, target: { kind: 'unknown' } };
  }
  if (method === 'query' || method === 'mutate' || TRPC_UTILS_FETCHES.has(method)) {
    const path = trpcClientPath(recognizer, receiver, method);
    if (path) return { call, label: `tRPC ${path.join('.')}.${method}()`, target: { kind: 'trpc', path } };
  }
  return undefined;
}

function calleeText(tsm: TypeScriptModule, callee: ts.Expression): string | undefined {
  if (tsm.isIdentifier(callee)) return callee.text;
  if (tsm.isPropertyAccessExpression(callee)) {
    const left = calleeText(tsm, skipOuterExpressions(tsm, callee.expression));
    return left === undefined ? undefined : `${left}.${callee.name.text}`;
  }
  if (callee.kind === tsm.SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

/** `fetch` from the platform (or a polyfill package), not a project function that happens to share the name. */
function isGlobalFetch({ ts: tsm, checker }: FetchRecognizer, identifier: ts.Identifier): boolean {
  if (identifier.text !== 'fetch' && identifier.text !== '$fetch') {
    const source = getImportSource(tsm, checker, identifier);
    return source !== undefined && FETCH_MODULES.has(source.module) && source.imported === 'default';
  }
  const source = getImportSource(tsm, checker, identifier);
  if (source) return FETCH_MODULES.has(source.module) || source.module === 'ofetch';
  const declarations = checker.getSymbolAtLocation(identifier)?.declarations ?? [];
  return declarations.every((declaration) => declaration.getSourceFile().isDeclarationFile);
}

/**
 * The HTTP client package an expression is (`axios`), or an instance made from it
 * (`const api = axios.create(…)`, here or in another file), or a value typed as one.
 */
function httpClientOf(recognizer: FetchRecognizer, expression: ts.Expression, depth = 0): string | undefined {
  const { ts: tsm, checker } = recognizer;
  if (depth > 3) return undefined;
  if (tsm.isIdentifier(expression)) {
    const source = getImportSource(tsm, checker, expression);
    if (source && (source.imported === 'default' || source.imported === source.module) && HTTP_CLIENTS.has(source.module)) {
      return HTTP_CLIENTS.get(source.module);
    }
    const declaration = resolveSymbol(tsm, checker, expression)?.valueDeclaration;
    // A function the code declares is not a client instance: no need to ask for its type.
    if (declaration && isFunctionLike(tsm, declaration)) return undefined;
    if (declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) {
      const initializer = skipOuterExpressions(tsm, declaration.initializer);
      if (isFunctionLike(tsm, initializer)) return undefined;
      if (tsm.isCallExpression(initializer)) {
        const factory = skipOuterExpressions(tsm, initializer.expression);
        if (tsm.isPropertyAccessExpression(factory) && ['create', 'extend'].includes(factory.name.text)) {
          return httpClientOf(recognizer, skipOuterExpressions(tsm, factory.expression), depth + 1);
        }
      }
    }
  }
  if (tsm.isPropertyAccessExpression(expression) || tsm.isIdentifier(expression)) {
    const typeName = checker.getTypeAtLocation(expression).getSymbol()?.getName() ?? '';
    if (/^(AxiosInstance|AxiosStatic|Axios)$/.test(typeName)) return 'axios';
    if (typeName === 'KyInstance') return 'ky';
    if (typeName === 'Got') return 'got';
  }
  return undefined;
}

function isQueryClient({ ts: tsm, checker }: FetchRecognizer, receiver: ts.Expression): boolean {
  const typeName = checker.getTypeAtLocation(receiver).getSymbol()?.getName();
  if (typeName === 'QueryClient') return true;
  const name = tsm.isIdentifier(receiver) ? receiver.text : tsm.isPropertyAccessExpression(receiver) ? receiver.name.text : '';
  if (/queryClient/i.test(name)) return true;
  if (!tsm.isIdentifier(receiver)) return false;
  const declaration = checker.getSymbolAtLocation(receiver)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  const initializer = skipOuterExpressions(tsm, declaration.initializer);
  if (tsm.isNewExpression(initializer)) return calleeName(tsm, initializer.expression) === 'QueryClient';
  return tsm.isCallExpression(initializer) && calleeName(tsm, initializer.expression) === 'useQueryClient';
}

/**
 * `client.bookings.search.query(…)` on a vanilla tRPC client (`createTRPCClient`), or
 * `utils.client.….query()` / `utils.bookings.search.fetch()` on the React helpers' utils.
 */
function trpcClientPath(recognizer: FetchRecognizer, receiver: ts.Expression, method: string): string[] | undefined {
  const { ts: tsm, checker } = recognizer;
  const segments: string[] = [];
  let root: ts.Expression = receiver;
  while (tsm.isPropertyAccessExpression(root)) {
    segments.unshift(root.name.text);
    root = skipOuterExpressions(tsm, root.expression);
  }
  if (segments.length === 0) return undefined;
  const origin = rootOrigin(tsm, checker, root);
  if (!origin) return undefined;
  if (origin === 'client') return method === 'query' || method === 'mutate' ? segments : undefined;
  // utils: `utils.client.a.b.query()` or `utils.a.b.fetch()`.
  if (segments[0] === 'client') return (method === 'query' || method === 'mutate') && segments.length > 1 ? segments.slice(1) : undefined;
  return TRPC_UTILS_FETCHES.has(method) ? segments : undefined;
}

function rootOrigin(tsm: TypeScriptModule, checker: TypeQueries, root: ts.Expression): 'client' | 'utils' | undefined {
  const initializer = tsm.isIdentifier(root) ? variableInitializer(tsm, checker, root) : root;
  if (!initializer || !tsm.isCallExpression(initializer)) return undefined;
  const name = calleeName(tsm, initializer.expression);
  if (name && TRPC_CLIENT_FACTORIES.has(name)) return 'client';
  if (name === 'useUtils' || name === 'useContext') {
    const callee = skipOuterExpressions(tsm, initializer.expression);
    return tsm.isPropertyAccessExpression(callee) ? 'utils' : undefined;
  }
  return undefined;
}

function variableInitializer(tsm: TypeScriptModule, checker: TypeQueries, identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = resolveSymbol(tsm, checker, identifier)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  return skipOuterExpressions(tsm, declaration.initializer);
}

/** The URL a call asks for, when its first argument spells it: `'/api/x'`, `` `/api/x/${id}` ``. */
function urlTarget(tsm: TypeScriptModule, call: ts.CallExpression, method: string): FetchTarget {
  const first = call.arguments[0];
  const url = first ? urlPattern(tsm, first) : undefined;
  return url === undefined ? { kind: 'unknown' } : { kind: 'url', url, method };
}

/** A URL with `:param` where the code substitutes a value; undefined when it is not written out. */
export function urlPattern(tsm: TypeScriptModule, expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isStringLiteralLike(value)) return value.text;
  if (tsm.isTemplateExpression(value)) {
    return value.head.text + value.templateSpans.map((span) => `:param${span.literal.text}`).join('');
  }
  if (tsm.isNewExpression(value) && calleeName(tsm, value.expression) === 'URL' && value.arguments?.[0]) {
    return urlPattern(tsm, value.arguments[0]);
  }
  return undefined;
}

function methodOption(tsm: TypeScriptModule, options: ts.Expression | undefined): string {
  const value = options ? skipOuterExpressions(tsm, options) : undefined;
  if (!value || !tsm.isObjectLiteralExpression(value)) return 'GET';
  for (const property of value.properties) {
    if (tsm.isPropertyAssignment(property) && tsm.isIdentifier(property.name) && property.name.text === 'method') {
      const method = skipOuterExpressions(tsm, property.initializer);
      if (tsm.isStringLiteralLike(method)) return method.text.toUpperCase();
    }
  }
  return 'GET';
}
