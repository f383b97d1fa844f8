import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  calleeName,
  functionOf,
  getImportSource,
  isFunctionLike,
  projectPathSegments,
  resolveSymbol,
  skipOuterExpressions,
  walkTree,
  type FunctionLike,
  type TypeScriptModule,
} from '@premortem/core';
import { isDelegatingExport } from './delegates.js';
import { dispatchEntries } from './dispatch-table.js';
import { mountedRoute } from './mounts.js';

export type Framework = 'next-app' | 'next-pages' | 'express' | 'fastify' | 'hono' | 'nest' | 'trpc';

/** One HTTP endpoint: where it is declared, which methods it answers and the code that runs. */
export interface HttpHandler {
  framework: Framework;
  /** Upper case; `ANY` when a pages-router handler does not look at `req.method`. */
  methods: string[];
  /** `/api/embed/[username]`, `/users/:id`; undefined when the code does not spell it. */
  route: string | undefined;
  /** Where a report goes: the exported name, the registration call, the method decorator. */
  node: ts.Node;
  /** The expressions that handle the request, in order: middlewares, then the handler. */
  handlers: ts.Expression[];
  /** Express, Fastify, Hono: the app or router the route is registered on. */
  receiver?: ts.Expression;
  /** Fastify's route options object, when given. */
  routeOptions?: ts.ObjectLiteralExpression;
  /** NestJS: the method and its class, for decorators and guards. */
  method?: ts.MethodDeclaration;
  /**
   * The full path a client calls, when it differs from `route`: the route under the prefixes it
   * is mounted at (`basePath`, `app.route(prefix, sub)`, `app.use(prefix, router)`).
   */
  mountedRoute?: string;
  /** tRPC: the names of the builders the procedure's chain starts from (`['protectedProcedure', 'procedure']`). */
  procedureNames?: string[];
}

const NEXT_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const ROUTER_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'head', 'options']);
const NEST_METHODS = new Map([
  ['Get', 'GET'],
  ['Post', 'POST'],
  ['Put', 'PUT'],
  ['Patch', 'PATCH'],
  ['Delete', 'DELETE'],
  ['All', 'ANY'],
]);

/**
 * Every HTTP handler a file declares, in the frameworks the rule knows. `candidates` are the
 * file's calls and method declarations in source order, collected by the engine's walk, so the
 * file is not walked a second time.
 */
export function findHandlers(
  tsm: TypeScriptModule,
  program: ProgramQueries,
  checker: TypeQueries,
  sourceFile: ts.SourceFile,
  candidates: readonly (ts.CallExpression | ts.MethodDeclaration)[],
): HttpHandler[] {
  const handlers: HttpHandler[] = [];
  const segments = projectPathSegments(program, sourceFile.fileName);
  const base = segments.at(-1) ?? '';
  const app = segments.indexOf('app');
  if (app >= 0 && /^route\.[cm]?[jt]sx?$/.test(base)) handlers.push(...nextAppHandlers(tsm, checker, program, sourceFile, '/' + segments.slice(app + 1, -1).filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith('@')).join('/')));
  const pages = segments.indexOf('pages');
  if (pages >= 0 && segments[pages + 1] === 'api') {
    const route = '/' + segments.slice(pages + 1).join('/').replace(/(\/index)?\.[cm]?[jt]sx?$/, '');
    handlers.push(...nextPagesHandlers(tsm, checker, program, sourceFile, route));
  }
  for (const node of candidates) {
    const handler = tsm.isCallExpression(node) ? routerCallHandler(tsm, checker, node) : nestHandler(tsm, node);
    if (handler) handlers.push(withMountedRoute(tsm, program, checker, handler));
  }
  return handlers;
}

/** Express and Hono routes sit under their app's base path and mount prefix. */
function withMountedRoute(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, handler: HttpHandler): HttpHandler {
  if ((handler.framework !== 'express' && handler.framework !== 'hono') || !handler.receiver || handler.route === undefined) return handler;
  const mounted = mountedRoute(tsm, program, checker, handler.receiver, handler.route);
  return mounted === undefined ? handler : { ...handler, mountedRoute: mounted };
}

function nextAppHandlers(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, sourceFile: ts.SourceFile, route: string): HttpHandler[] {
  const found: HttpHandler[] = [];
  const add = (method: string, node: ts.Node, handler: ts.Node) => {
    if (isDelegatingExport(tsm, checker, program, handler)) return;
    found.push({ framework: 'next-app', methods: [method], route, node, handlers: [handler as ts.Expression] });
  };
  for (const statement of sourceFile.statements) {
    if (!isExported(tsm, statement) && !tsm.isExportDeclaration(statement)) continue;
    if (tsm.isFunctionDeclaration(statement) && statement.name && NEXT_METHODS.has(statement.name.text)) add(statement.name.text, statement.name, statement);
    if (tsm.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (tsm.isIdentifier(declaration.name) && NEXT_METHODS.has(declaration.name.text) && declaration.initializer) {
          add(declaration.name.text, declaration.name, declaration.initializer);
        }
      }
    }
    // export { handler as GET }, and re-exports: export { DELETE } from './other'
    for (const specifier of namedExports(tsm, statement)) {
      if (NEXT_METHODS.has(specifier.name.text)) add(specifier.name.text, specifier, exportedValue(tsm, specifier));
    }
  }
  return found;
}

/** `export { a as b }` and `export { a } from './m'`; not `export type { … }`. */
function namedExports(tsm: TypeScriptModule, statement: ts.Statement): readonly ts.ExportSpecifier[] {
  if (!tsm.isExportDeclaration(statement) || statement.isTypeOnly || !statement.exportClause || !tsm.isNamedExports(statement.exportClause)) return [];
  return statement.exportClause.elements.filter((specifier) => !specifier.isTypeOnly);
}

/** A local export names a local value; a re-export's specifier itself leads to the other file (`handlerFunctions`). */
function exportedValue(tsm: TypeScriptModule, specifier: ts.ExportSpecifier): ts.Node {
  return specifier.parent.parent.moduleSpecifier ? specifier : (specifier.propertyName ?? specifier.name);
}

function nextPagesHandlers(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, sourceFile: ts.SourceFile, route: string): HttpHandler[] {
  const exported = defaultExport(tsm, sourceFile);
  if (!exported || isDelegatingExport(tsm, checker, program, exported.value)) return [];
  const methodMap = methodMapOf(tsm, exported.value);
  if (methodMap.length > 0) {
    return methodMap.map(({ method, name, value, wrapper }) => ({ framework: 'next-pages', methods: [method], route, node: name, handlers: [wrapper, value] }));
  }
  const methods = pagesMethods(tsm, checker, program, exported.value);
  const handler = exported.value as ts.Expression;
  // routes[`${req.method} ${path}`]: each entry is an endpoint, run after the dispatcher's own code.
  const entries = methods.includes('ANY') ? dispatchEntries(tsm, checker, program, handler) : [];
  if (entries.length > 0) return entries.map(({ method, key, value }) => ({ framework: 'next-pages', methods: [method], route, node: key, handlers: [handler, value] }));
  return [{ framework: 'next-pages', methods, route, node: exported.node, handlers: [handler] }];
}

/** `export default function`, `export default handler`, `export { default } from './x'`, `export { handler as default }`. */
function defaultExport(tsm: TypeScriptModule, sourceFile: ts.SourceFile): { node: ts.Node; value: ts.Node } | undefined {
  for (const statement of sourceFile.statements) {
    if (tsm.isFunctionDeclaration(statement) && isExported(tsm, statement) && statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.DefaultKeyword)) {
      return { node: statement.name ?? statement, value: statement };
    }
    if (tsm.isExportAssignment(statement) && !statement.isExportEquals) return { node: statement, value: statement.expression };
    const specifier = namedExports(tsm, statement).find((element) => element.name.text === 'default');
    if (specifier) return { node: specifier, value: exportedValue(tsm, specifier) };
  }
  return undefined;
}

/**
 * A project wrapper given one handler per method: `wrap({ POST: import('./_post'), GET: get })`.
 * Each verb key is an endpoint of its own, so one method's limiter does not cover another; the
 * wrapper (its callee, not the call, which holds the other methods) runs for every method.
 */
function methodMapOf(tsm: TypeScriptModule, value: ts.Node): { method: string; name: ts.Node; value: ts.Expression; wrapper: ts.Expression }[] {
  const call = skipOuterExpressions(tsm, value as ts.Expression);
  if (!tsm.isCallExpression(call)) return [];
  for (const argument of call.arguments) {
    const object = skipOuterExpressions(tsm, argument);
    if (!tsm.isObjectLiteralExpression(object)) continue;
    const entries = object.properties.flatMap((element) => {
      const name = element.name && (tsm.isIdentifier(element.name) || tsm.isStringLiteral(element.name)) ? element.name : undefined;
      if (!name || !NEXT_METHODS.has(name.text)) return [];
      const handler = tsm.isPropertyAssignment(element) ? element.initializer : tsm.isShorthandPropertyAssignment(element) ? element.name : (element as unknown as ts.Expression);
      return [{ method: name.text, name: name, value: handler, wrapper: call.expression }];
    });
    if (entries.length > 0) return entries;
  }
  return [];
}

/** The methods a pages handler branches on, read where it is written: inline, or the function it names in this or another file. */
function pagesMethods(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, value: ts.Node): string[] {
  const inline = requestMethods(tsm, value);
  if (!inline.includes('ANY')) return inline;
  const methods = new Set(handlerFunctions(tsm, checker, program, value).flatMap((fn) => requestMethods(tsm, fn)));
  if (methods.size > 1) methods.delete('ANY');
  return methods.size > 0 ? [...methods] : ['ANY'];
}

/** The methods a pages-router handler branches on (`req.method === 'POST'`, `switch (req.method)`); `ANY` when it does not look. */
export function requestMethods(tsm: TypeScriptModule, node: ts.Node): string[] {
  const methods = new Set<string>();
  walkTree(tsm, node, (child) => {
    if (tsm.isStringLiteralLike(child) && /^(GET|HEAD|POST|PUT|PATCH|DELETE)$/.test(child.text) && mentionsMethod(tsm, child)) methods.add(child.text);
  });
  return methods.size > 0 ? [...methods] : ['ANY'];
}

function mentionsMethod(tsm: TypeScriptModule, literal: ts.Node): boolean {
  const parent = literal.parent;
  const isMethodAccess = (expression: ts.Node) => tsm.isPropertyAccessExpression(expression) && expression.name.text === 'method';
  if (tsm.isBinaryExpression(parent)) return isMethodAccess(skipOuterExpressions(tsm, parent.left)) || isMethodAccess(skipOuterExpressions(tsm, parent.right));
  if (tsm.isCaseClause(parent)) return isMethodAccess(skipOuterExpressions(tsm, parent.parent.parent.expression));
  // ['POST', 'PUT'].includes(req.method)
  if (tsm.isArrayLiteralExpression(parent) && tsm.isPropertyAccessExpression(parent.parent) && tsm.isCallExpression(parent.parent.parent)) {
    return parent.parent.parent.arguments.some((argument) => isMethodAccess(skipOuterExpressions(tsm, argument)));
  }
  return false;
}

/** `app.post('/x', …handlers)`, `router.route('/x').delete(…)`, `fastify.route({ method, url, handler })`. */
function routerCallHandler(tsm: TypeScriptModule, checker: TypeQueries, call: ts.CallExpression): HttpHandler | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(tsm, callee.expression);
  if (method === 'route' && call.arguments.length === 1) {
    const options = skipOuterExpressions(tsm, call.arguments[0]!);
    if (!tsm.isObjectLiteralExpression(options)) return undefined;
    const framework = frameworkOf(tsm, checker, receiver);
    if (!framework) return undefined;
    const methods = stringsOf(tsm, property(tsm, options, 'method')).map((m) => m.toUpperCase());
    const handler = property(tsm, options, 'handler');
    if (methods.length === 0 || !handler) return undefined;
    const hooks = ['onRequest', 'preHandler', 'preValidation'].flatMap((name) => {
      const value = property(tsm, options, name);
      return value ? [value] : [];
    });
    return { framework, methods, route: stringsOf(tsm, property(tsm, options, 'url') ?? property(tsm, options, 'path'))[0], node: call, handlers: [...hooks, handler], receiver, routeOptions: options };
  }
  if (!ROUTER_METHODS.has(method)) return undefined;
  // router.route('/x').post(handler)
  if (tsm.isCallExpression(receiver) && tsm.isPropertyAccessExpression(receiver.expression) && receiver.expression.name.text === 'route' && receiver.arguments.length === 1) {
    const route = stringsOf(tsm, receiver.arguments[0])[0];
    const app = skipOuterExpressions(tsm, receiver.expression.expression);
    if (route === undefined || frameworkOf(tsm, checker, app) !== 'express') return undefined;
    return { framework: 'express', methods: [method.toUpperCase()], route, node: callee.name, handlers: [...call.arguments], receiver: app };
  }
  const first = call.arguments[0];
  if (!first || call.arguments.length < 2) return undefined;
  const route = stringsOf(tsm, first)[0];
  if (route === undefined || !route.startsWith('/')) return undefined;
  const framework = frameworkOf(tsm, checker, receiver);
  if (!framework) return undefined;
  const rest = call.arguments.slice(1);
  const options = framework === 'fastify' && rest.length > 1 ? skipOuterExpressions(tsm, rest[0]!) : undefined;
  return {
    framework,
    methods: [method === 'all' ? 'ANY' : method.toUpperCase()],
    route,
    // In a chain (`new Hono().get(…).post(…)`) every call starts on the chain's first line.
    node: tsm.isCallExpression(receiver) || tsm.isNewExpression(receiver) ? callee.name : call,
    handlers: rest,
    receiver,
    ...(options && tsm.isObjectLiteralExpression(options) ? { routeOptions: options } : {}),
  };
}

const FRAMEWORK_MODULES: Record<string, Framework> = { express: 'express', fastify: 'fastify', hono: 'hono', 'hono/tiny': 'hono', 'hono/quick': 'hono' };

/**
 * Which framework an app or router comes from: `express()`, `express.Router()`, `Router()`,
 * `Fastify()`, `new Hono()`, here or where it is declared; a parameter typed `FastifyInstance`;
 * as a last resort the conventional names (`app`, `router`, `server`).
 */
export function frameworkOf(tsm: TypeScriptModule, checker: TypeQueries, receiver: ts.Expression, depth = 0): Framework | undefined {
  const expression = skipOuterExpressions(tsm, receiver);
  if (depth > 3) return undefined;
  if (tsm.isCallExpression(expression) || tsm.isNewExpression(expression)) {
    const callee = skipOuterExpressions(tsm, expression.expression);
    const root = tsm.isPropertyAccessExpression(callee) ? skipOuterExpressions(tsm, callee.expression) : callee;
    // A link of a chain (`new Hono().use(…).post(…)`): app methods return the app.
    if (tsm.isCallExpression(root) || tsm.isNewExpression(root)) return frameworkOf(tsm, checker, root, depth);
    if (tsm.isIdentifier(root)) {
      const source = getImportSource(tsm, checker, root);
      if (source && FRAMEWORK_MODULES[source.module]) return FRAMEWORK_MODULES[source.module];
    }
    const name = calleeName(tsm, callee);
    if (name === 'Router') return 'express';
    if (name === 'Hono') return 'hono';
    if (name && /^fastify$/i.test(name)) return 'fastify';
    return undefined;
  }
  if (!tsm.isIdentifier(expression) && !tsm.isPropertyAccessExpression(expression)) return undefined;
  const typeName = checker.getTypeAtLocation(expression).getSymbol()?.getName() ?? '';
  if (/^Fastify(Instance)?$/.test(typeName)) return 'fastify';
  if (/^(Express|Router|Application)$/.test(typeName)) return 'express';
  if (typeName === 'Hono') return 'hono';
  const name = tsm.isIdentifier(expression) ? expression : expression.name;
  const declaration = resolveSymbol(tsm, checker, name)?.valueDeclaration;
  if (declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) {
    const framework = frameworkOf(tsm, checker, declaration.initializer, depth + 1);
    if (framework) return framework;
  }
  if (declaration && tsm.isParameter(declaration) && declaration.type) {
    const text = declaration.type.getText();
    if (/Fastify/.test(text)) return 'fastify';
    if (/Hono/.test(text)) return 'hono';
    if (/Express|Router|Application/.test(text)) return 'express';
  }
  return /^(app|router|server|api|routes?)$/i.test(name.text) ? 'express' : /^fastify$/i.test(name.text) ? 'fastify' : undefined;
}

function nestHandler(tsm: TypeScriptModule, method: ts.MethodDeclaration): HttpHandler | undefined {
  for (const decorator of tsm.getDecorators(method) ?? []) {
    const expression = decorator.expression;
    const name = tsm.isCallExpression(expression) ? calleeName(tsm, expression.expression) : undefined;
    const verb = name ? NEST_METHODS.get(name) : undefined;
    if (!verb || !tsm.isCallExpression(expression)) continue;
    const controller = tsm.isClassDeclaration(method.parent) ? controllerPath(tsm, method.parent) : '';
    const own = stringsOf(tsm, expression.arguments[0])[0] ?? '';
    const route = ('/' + [controller, own].filter(Boolean).join('/')).replace(/\/+/g, '/');
    return { framework: 'nest', methods: [verb], route, node: decorator, handlers: [method as unknown as ts.Expression], method };
  }
  return undefined;
}

function controllerPath(tsm: TypeScriptModule, declaration: ts.ClassDeclaration): string {
  for (const decorator of tsm.getDecorators(declaration) ?? []) {
    const expression = decorator.expression;
    if (tsm.isCallExpression(expression) && calleeName(tsm, expression.expression) === 'Controller') return stringsOf(tsm, expression.arguments[0])[0] ?? '';
  }
  return '';
}

function isExported(tsm: TypeScriptModule, statement: ts.Statement): boolean {
  return tsm.canHaveModifiers(statement) && (tsm.getModifiers(statement)?.some((m) => m.kind === tsm.SyntaxKind.ExportKeyword) ?? false);
}

export function property(tsm: TypeScriptModule, object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const element of object.properties) {
    if (tsm.isPropertyAssignment(element) && (tsm.isIdentifier(element.name) || tsm.isStringLiteral(element.name)) && element.name.text === name) return element.initializer;
    if (tsm.isShorthandPropertyAssignment(element) && element.name.text === name) return element.name;
    if (tsm.isMethodDeclaration(element) && tsm.isIdentifier(element.name) && element.name.text === name) return element as unknown as ts.Expression;
  }
  return undefined;
}

/** The strings an expression spells: `'x'`, `` `x` ``, `['a', 'b']`. */
export function stringsOf(tsm: TypeScriptModule, expression: ts.Expression | undefined): string[] {
  if (!expression) return [];
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isStringLiteralLike(value)) return [value.text];
  if (tsm.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => stringsOf(tsm, element));
  return [];
}

/** Variables followed to find a handler: enough for `const handler = withAuth(fn)` chains, finite on cycles. */
const MAX_HOPS = 5;

/**
 * The function an expression runs: written inline, a named function, or what a wrapper call
 * wraps. Follows at most MAX_HOPS variables: `var a = b; var b = a;` is valid, and endless.
 */
export function handlerFunctions(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, expression: ts.Expression | ts.Node, hops = 0): FunctionLike[] {
  if (isFunctionLike(tsm, expression)) return [expression];
  const value = skipOuterExpressions(tsm, expression as ts.Expression);
  if (isFunctionLike(tsm, value)) return [value];
  if (tsm.isIdentifier(value) || tsm.isPropertyAccessExpression(value) || tsm.isExportSpecifier(value)) {
    const symbol = tsm.isExportSpecifier(value) ? exportSpecifierTarget(tsm, checker, value) : resolveSymbol(tsm, checker, tsm.isPropertyAccessExpression(value) ? value.name : value);
    return declarationFunctions(tsm, checker, program, symbol?.valueDeclaration, hops);
  }
  // import('./post'): the module's default export handles the request.
  if (tsm.isCallExpression(value) && value.expression.kind === tsm.SyntaxKind.ImportKeyword && value.arguments[0]) {
    return declarationFunctions(tsm, checker, program, defaultExportOf(tsm, checker, value.arguments[0]), hops);
  }
  // Promise.resolve({ default: handler }), as a lazy module stands in for `import()`.
  if (tsm.isObjectLiteralExpression(value)) {
    const fallback = property(tsm, value, 'default');
    return fallback ? handlerFunctions(tsm, checker, program, fallback, hops) : [];
  }
  // withAuth(async (req) => …): the inner handler runs too.
  if (tsm.isCallExpression(value)) return value.arguments.flatMap((argument) => handlerFunctions(tsm, checker, program, argument, hops));
  return [];
}

/** The function a declaration holds: declared, a variable's value, or a module's `export default <expression>`. */
function declarationFunctions(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, declaration: ts.Declaration | undefined, hops: number): FunctionLike[] {
  if (!declaration) return [];
  const fn = functionOf(tsm, declaration);
  if (fn) return [fn];
  if (hops >= MAX_HOPS) return [];
  if (tsm.isVariableDeclaration(declaration) && declaration.initializer) return handlerFunctions(tsm, checker, program, declaration.initializer, hops + 1);
  if (tsm.isExportAssignment(declaration)) return handlerFunctions(tsm, checker, program, declaration.expression, hops + 1);
  return [];
}

/** The declaration of a module's default export, from the specifier of an `import()`. */
function defaultExportOf(tsm: TypeScriptModule, checker: TypeQueries, specifier: ts.Expression): ts.Declaration | undefined {
  const exported = checker.getSymbolAtLocation(specifier)?.exports?.get('default' as ts.__String);
  if (!exported) return undefined;
  const symbol = exported.flags & tsm.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  return symbol.valueDeclaration ?? symbol.declarations?.[0];
}

/** The original symbol an export specifier names, through `export { X as Y } from './m'` and local exports. */
export function exportSpecifierTarget(tsm: TypeScriptModule, checker: TypeQueries, specifier: ts.ExportSpecifier): ts.Symbol | undefined {
  const symbol = checker.getSymbolAtLocation(specifier.name);
  if (!symbol) return undefined;
  if (!(symbol.flags & tsm.SymbolFlags.Alias)) return symbol;
  const target = checker.getAliasedSymbol(symbol);
  return target.declarations?.length ? target : undefined;
}
