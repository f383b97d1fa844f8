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
  if (text && recognizer.extraFetchers.includes(text)) return { call, label: text, target: urlTarget(recognizer, call, 'GET') };

  if (tsm.isIdentifier(callee)) {
    if (isGlobalFetch(recognizer, callee)) return { call, label: callee.text, target: urlTarget(recognizer, call, methodOption(tsm, call.arguments[1])) };
    const client = httpClientOf(recognizer, callee);
    if (client) return { call, label: client, target: urlTarget(recognizer, call, 'GET') };
    return undefined;
  }
  if (!tsm.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(tsm, callee.expression);

  if (method === 'fetch' && tsm.isIdentifier(receiver) && ['window', 'globalThis', 'self'].includes(receiver.text)) {
    return { call, label: 'fetch', target: urlTarget(recognizer, call, methodOption(tsm, call.arguments[1])) };
  }
  if (HTTP_METHODS.has(method)) {
    const client = httpClientOf(recognizer, receiver);
    if (client) return { call, label: `${client}.${method}`, target: urlTarget(recognizer, call, method === 'request' ? 'GET' : method.toUpperCase()) };
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
function urlTarget({ ts: tsm, checker }: FetchRecognizer, call: ts.CallExpression, method: string): FetchTarget {
  const first = call.arguments[0];
  const url = first ? urlPattern(tsm, first, checker) : undefined;
  return url === undefined ? { kind: 'unknown' } : { kind: 'url', url, method };
}

/** Constants followed at most to find what a URL or an origin is. */
const MAX_CONSTANT_HOPS = 4;

/**
 * A URL with `:param` where the code substitutes a value; undefined when it is not written out.
 * With a checker it also reads constants (`const url = '/api/x'`) and an origin in front of a
 * path (`` `${process.env.NEXT_PUBLIC_APP_URL}/api/x` `` is `/api/x`).
 */
export function urlPattern(tsm: TypeScriptModule, expression: ts.Expression, checker?: TypeQueries, hops = 0): string | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isStringLiteralLike(value)) return value.text;
  if (tsm.isTemplateExpression(value)) return templatePattern(tsm, value, checker);
  if (tsm.isNewExpression(value) && calleeName(tsm, value.expression) === 'URL' && value.arguments?.[0]) {
    return urlPattern(tsm, value.arguments[0], checker, hops);
  }
  if (checker && tsm.isIdentifier(value) && hops < MAX_CONSTANT_HOPS) {
    const initializer = constantInitializer(tsm, checker, value);
    return initializer ? urlPattern(tsm, initializer, checker, hops + 1) : undefined;
  }
  return undefined;
}

function templatePattern(tsm: TypeScriptModule, template: ts.TemplateExpression, checker: TypeQueries | undefined): string {
  const [first, ...rest] = template.templateSpans;
  const params = (spans: readonly ts.TemplateSpan[]) => spans.map((span) => `:param${span.literal.text}`).join('');
  // The app's own origin, then a path: the path is what the route map matches.
  if (first && template.head.text === '' && first.literal.text.startsWith('/') && isOwnOrigin(tsm, first.expression, checker, 0)) {
    return first.literal.text + params(rest);
  }
  return template.head.text + params(template.templateSpans);
}

/**
 * An expression whose value is the origin the app itself is served from: an environment
 * variable (`process.env.X`, `import.meta.env.X`), `location.origin`, `''`, a localhost origin,
 * or a constant, `??`/`||`/`?:` or argument-less project function made only of those.
 */
function isOwnOrigin(tsm: TypeScriptModule, expression: ts.Expression, checker: TypeQueries | undefined, hops: number): boolean {
  const value = skipOuterExpressions(tsm, expression);
  if (hops > MAX_CONSTANT_HOPS) return false;
  if (tsm.isStringLiteralLike(value)) return /^(https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?)?\/?$/.test(value.text);
  if (tsm.isTemplateExpression(value)) return isOriginTemplate(tsm, value);
  if (isEnvironmentRead(tsm, value) || isLocationOrigin(tsm, value)) return true;
  const own = (part: ts.Expression) => isOwnOrigin(tsm, part, checker, hops + 1);
  if (tsm.isBinaryExpression(value) && [tsm.SyntaxKind.QuestionQuestionToken, tsm.SyntaxKind.BarBarToken].includes(value.operatorToken.kind)) return own(value.left) && own(value.right);
  if (tsm.isConditionalExpression(value)) return own(value.whenTrue) && own(value.whenFalse);
  if (!checker) return false;
  if (tsm.isIdentifier(value)) {
    const initializer = constantInitializer(tsm, checker, value);
    return initializer !== undefined && own(initializer);
  }
  if (tsm.isCallExpression(value) && value.arguments.length === 0 && tsm.isIdentifier(value.expression)) {
    const declaration = resolveSymbol(tsm, checker, value.expression)?.valueDeclaration;
    const fn = declaration && isFunctionLike(tsm, declaration) ? declaration : undefined;
    const returned = fn ? returnedExpressions(tsm, fn) : undefined;
    return returned !== undefined && returned.length > 0 && returned.every(own);
  }
  return false;
}

/** `` `https://${process.env.HOST}` ``, `` `http://localhost:${process.env.PORT ?? 3000}` ``: an origin spelled from the environment. */
function isOriginTemplate(tsm: TypeScriptModule, template: ts.TemplateExpression): boolean {
  if (!/^https?:\/\/((localhost|127\.0\.0\.1):)?$/.test(template.head.text)) return false;
  return template.templateSpans.every((span) => !span.literal.text.includes('/') && isEnvironmentValue(tsm, span.expression));
}

/** An environment read, or one with a fallback (`process.env.PORT ?? 3000`). */
function isEnvironmentValue(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, expression);
  const fallback = tsm.isBinaryExpression(value) && [tsm.SyntaxKind.QuestionQuestionToken, tsm.SyntaxKind.BarBarToken].includes(value.operatorToken.kind);
  return isEnvironmentRead(tsm, fallback ? value.left : value);
}

/** `process.env.X`, `process.env['X']`, `import.meta.env.X`. */
function isEnvironmentRead(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, expression);
  if (!tsm.isPropertyAccessExpression(value) && !tsm.isElementAccessExpression(value)) return false;
  const environment = skipOuterExpressions(tsm, value.expression);
  if (!tsm.isPropertyAccessExpression(environment) || environment.name.text !== 'env') return false;
  const owner = environment.expression;
  return (tsm.isIdentifier(owner) && owner.text === 'process') || tsm.isMetaProperty(owner);
}

/** `location.origin`, `window.location.origin`. */
function isLocationOrigin(tsm: TypeScriptModule, value: ts.Expression): boolean {
  if (!tsm.isPropertyAccessExpression(value) || value.name.text !== 'origin') return false;
  const location = skipOuterExpressions(tsm, value.expression);
  return (tsm.isIdentifier(location) && location.text === 'location') || (tsm.isPropertyAccessExpression(location) && location.name.text === 'location');
}

/** The value of a `const` the identifier names, wherever it is declared. */
function constantInitializer(tsm: TypeScriptModule, checker: TypeQueries, identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = resolveSymbol(tsm, checker, identifier)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const list = declaration.parent;
  return tsm.isVariableDeclarationList(list) && list.flags & tsm.NodeFlags.Const ? declaration.initializer : undefined;
}

/** What a function returns: its expression body, or its own return statements' values; undefined when one returns nothing. */
function returnedExpressions(tsm: TypeScriptModule, fn: ts.FunctionLikeDeclaration): ts.Expression[] | undefined {
  if (!fn.body) return undefined;
  if (!tsm.isBlock(fn.body)) return [fn.body];
  const returned: ts.Expression[] = [];
  let bare = false;
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(tsm, node)) return;
    if (tsm.isReturnStatement(node)) {
      if (node.expression) returned.push(node.expression);
      else bare = true;
      return;
    }
    tsm.forEachChild(node, visit);
  };
  tsm.forEachChild(fn.body, visit);
  return bare ? undefined : returned;
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
