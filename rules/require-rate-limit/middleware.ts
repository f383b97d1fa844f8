import path from 'node:path';
import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  calleeName,
  getImportSource,
  isProjectSource,
  perProgram,
  projectPathSegments,
  resolveSymbol,
  skipOuterExpressions,
  walkTree,
  type TypeScriptModule,
} from '@premortem/core';
import { appSymbol, joinPath, normalizePrefix } from './app-paths.js';
import { frameworkOf, handlerFunctions, property, stringsOf, type HttpHandler } from './handlers.js';

/** `app.use(path?, …middlewares)` on an Express or Hono app or router, or Hono's `app.route(path, subApp)` mount. */
interface Use {
  receiver: ts.Symbol | undefined;
  call: ts.CallExpression;
  /** The path prefix it applies to; undefined for every path. */
  path: string | undefined;
  args: ts.Expression[];
  /** Hono `route(path, subApp)`: mounts routes, applies no middleware of its own. */
  mount?: boolean;
}

/** A Next.js `middleware.ts` (or `proxy.ts`): its function and the routes its matcher selects. */
interface NextMiddleware {
  dir: string;
  functions: ts.Node[];
  matchers: RegExp[] | undefined;
}

/** Where the project applies middleware to many routes at once; read once per Program. */
export interface MiddlewareIndex {
  uses: Use[];
  nextMiddlewares: NextMiddleware[];
  /** `fastify.register(rateLimit)` without `global: false`. */
  fastifyGlobalLimits: ts.CallExpression[];
  /** Every `fastify.register(plugin, …)`: a plugin's routes sit on the instance that registers it. */
  fastifyRegisters: ts.CallExpression[];
  /** `{ provide: APP_GUARD, useClass: ThrottlerGuard }` or `app.useGlobalGuards(new ThrottlerGuard(…))`. */
  nestGlobalGuards: NestGlobalGuard[];
}

/** A guard every route of a Nest application passes: the guard's class name and where it is declared. */
export interface NestGlobalGuard {
  name: string;
  node: ts.Node;
}

export function getMiddlewareIndex(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries): MiddlewareIndex {
  return perProgram(program, 'require-rate-limit:middleware', () => buildIndex(tsm, program, checker));
}

function buildIndex(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries): MiddlewareIndex {
  const index: MiddlewareIndex = { uses: [], nextMiddlewares: [], fastifyGlobalLimits: [], fastifyRegisters: [], nestGlobalGuards: [] };
  for (const sourceFile of program.getSourceFiles()) {
    if (!isProjectSource(program, sourceFile)) continue;
    const segments = projectPathSegments(program, sourceFile.fileName);
    if (/^(src\/)?(middleware|proxy)\.[cm]?[jt]s$/.test(segments.join('/')) || /^(middleware|proxy)\.[cm]?[jt]s$/.test(segments.at(-1) ?? '') && segments.length <= 3) {
      const middleware = nextMiddleware(tsm, checker, program, sourceFile);
      if (middleware) index.nextMiddlewares.push(middleware);
    }
    const text = sourceFile.text;
    if (!/\.(use|route|register|useGlobalGuards)\s*\(|APP_GUARD/.test(text)) continue;
    walkTree(tsm, sourceFile, (node) => {
      if (tsm.isCallExpression(node)) collectCall(tsm, checker, node, index);
      if (tsm.isObjectLiteralExpression(node)) collectGuardProvider(tsm, node, index);
    });
  }
  return index;
}

function collectCall(tsm: TypeScriptModule, checker: TypeQueries, call: ts.CallExpression, index: MiddlewareIndex): void {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee)) return;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(tsm, callee.expression);
  if (method === 'use' && call.arguments.length > 0) {
    const framework = frameworkOf(tsm, checker, receiver);
    if (framework !== 'express' && framework !== 'hono') return;
    const [first, ...rest] = call.arguments;
    const prefix = stringsOf(tsm, first)[0];
    index.uses.push({ receiver: appSymbol(tsm, checker, receiver), call, path: prefix === undefined ? undefined : normalizePrefix(prefix) || undefined, args: prefix === undefined ? [...call.arguments] : rest });
  }
  if (method === 'route' && call.arguments.length === 2 && frameworkOf(tsm, checker, receiver) === 'hono') {
    const prefix = stringsOf(tsm, call.arguments[0])[0];
    if (prefix !== undefined) index.uses.push({ receiver: appSymbol(tsm, checker, receiver), call, path: normalizePrefix(prefix) || undefined, args: [call.arguments[1]!], mount: true });
  }
  if (method === 'register' && call.arguments[0]) {
    const plugin = skipOuterExpressions(tsm, call.arguments[0]);
    const source = tsm.isIdentifier(plugin) ? getImportSource(tsm, checker, plugin) : undefined;
    const isLimiter = source?.module === '@fastify/rate-limit' || (tsm.isIdentifier(plugin) && /rate_?limit/i.test(plugin.text));
    const options = call.arguments[1] ? skipOuterExpressions(tsm, call.arguments[1]) : undefined;
    const global = options && tsm.isObjectLiteralExpression(options) ? property(tsm, options, 'global') : undefined;
    if (isLimiter && global?.kind !== tsm.SyntaxKind.FalseKeyword) index.fastifyGlobalLimits.push(call);
    else index.fastifyRegisters.push(call);
  }
  if (method === 'useGlobalGuards') {
    for (const argument of call.arguments) {
      const value = skipOuterExpressions(tsm, argument);
      const name = tsm.isNewExpression(value) ? calleeName(tsm, value.expression) : tsm.isIdentifier(value) ? value.text : undefined;
      if (name) index.nestGlobalGuards.push({ name, node: call });
    }
  }
}

function collectGuardProvider(tsm: TypeScriptModule, object: ts.ObjectLiteralExpression, index: MiddlewareIndex): void {
  const provide = property(tsm, object, 'provide');
  const useClass = property(tsm, object, 'useClass');
  if (provide && useClass && provide.getText() === 'APP_GUARD' && tsm.isIdentifier(useClass)) index.nestGlobalGuards.push({ name: useClass.text, node: object });
}

/** Registration order: in a chain every call starts where the chain does, so compare the method names. */
function registeredAt(tsm: TypeScriptModule, call: ts.Node): number {
  if (tsm.isCallExpression(call)) {
    const callee = skipOuterExpressions(tsm, call.expression);
    if (tsm.isPropertyAccessExpression(callee)) return callee.name.getStart();
  }
  return call.getStart();
}


function nextMiddleware(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, sourceFile: ts.SourceFile): NextMiddleware | undefined {
  const functions: ts.Node[] = [];
  let matchers: RegExp[] | undefined;
  for (const statement of sourceFile.statements) {
    const exported = tsm.canHaveModifiers(statement) && tsm.getModifiers(statement)?.some((m) => m.kind === tsm.SyntaxKind.ExportKeyword);
    if (tsm.isFunctionDeclaration(statement) && exported && (statement.name?.text === 'middleware' || statement.name?.text === 'proxy' || !statement.name || statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.DefaultKeyword))) {
      functions.push(statement);
    }
    if (tsm.isExportAssignment(statement)) functions.push(...handlerFunctions(tsm, checker, program, statement.expression), statement.expression);
    if (tsm.isVariableStatement(statement) && exported) {
      for (const declaration of statement.declarationList.declarations) {
        if (!tsm.isIdentifier(declaration.name) || !declaration.initializer) continue;
        if (declaration.name.text === 'middleware' || declaration.name.text === 'proxy') functions.push(...handlerFunctions(tsm, checker, program, declaration.initializer), declaration.initializer);
        const config = skipOuterExpressions(tsm, declaration.initializer);
        if (declaration.name.text === 'config' && tsm.isObjectLiteralExpression(config)) matchers = matcherPatterns(tsm, property(tsm, config, 'matcher'));
      }
    }
  }
  if (functions.length === 0) return undefined;
  return { dir: path.dirname(sourceFile.fileName), functions, matchers };
}

function matcherPatterns(tsm: TypeScriptModule, matcher: ts.Expression | undefined): RegExp[] | undefined {
  if (!matcher) return undefined;
  const value = skipOuterExpressions(tsm, matcher);
  const sources = tsm.isArrayLiteralExpression(value)
    ? value.elements.flatMap((element) => {
        const item = skipOuterExpressions(tsm, element);
        return tsm.isObjectLiteralExpression(item) ? stringsOf(tsm, property(tsm, item, 'source')) : stringsOf(tsm, item);
      })
    : stringsOf(tsm, value);
  return sources.flatMap((source) => {
    try {
      return [matcherToRegExp(source)];
    } catch {
      return []; // a pattern we cannot read matches nothing: the route stays reported
    }
  });
}

/** Next.js matchers use path-to-regexp: `/api/:path*`, `/embed/:user`, `/((?!_next).*)`. */
export function matcherToRegExp(matcher: string): RegExp {
  const source = matcher
    .replace(/\/:\w+\*/g, '(?:/.*)?')
    .replace(/\/:\w+\+/g, '/.+')
    .replace(/\/:\w+\?/g, '(?:/[^/]+)?')
    .replace(/:\w+(\([^)]*\))?/g, (_all, group: string | undefined) => group ?? '[^/]+');
  return new RegExp(`^${source}/?$`);
}

/** A concrete path for a route pattern, to test matchers with: `/api/embed/[user]` → `/api/embed/x`. */
export function samplePath(route: string): string {
  return route.replace(/\[\[?\.\.\.[^\]]+\]\]?/g, 'x/y').replace(/\[[^\]]+\]/g, 'x').replace(/:\w+\??/g, 'x');
}

/** The Next.js middleware that runs for a route handler, when its matcher selects the route. */
export function nextMiddlewareFor(index: MiddlewareIndex, handler: HttpHandler, file: string): NextMiddleware | undefined {
  if (handler.route === undefined) return undefined;
  const candidates = index.nextMiddlewares.filter((m) => file.startsWith(m.dir + '/')).sort((a, b) => b.dir.length - a.dir.length);
  const middleware = candidates[0];
  if (!middleware) return undefined;
  const sample = samplePath(handler.route);
  return !middleware.matchers || middleware.matchers.some((matcher) => matcher.test(sample)) ? middleware : undefined;
}

/**
 * Whether middleware registered with `use` covers a route: on its own app or router before it,
 * or on the app that mounts its router (`app.use('/api', limiter, apiRouter)`).
 */
export function coveredByUse(
  tsm: TypeScriptModule,
  checker: TypeQueries,
  index: MiddlewareIndex,
  receiver: ts.Expression | undefined,
  route: string,
  before: ts.Node | undefined,
  accepts: (middleware: ts.Expression) => boolean,
  depth = 0,
): boolean {
  if (!receiver || depth > 3) return false;
  const symbol = appSymbol(tsm, checker, receiver);
  if (!symbol) return false;
  for (const use of index.uses) {
    if (use.receiver !== symbol || use.mount) continue;
    if (before && use.call.getSourceFile() === before.getSourceFile() && registeredAt(tsm, use.call) > registeredAt(tsm, before)) continue;
    if (use.path !== undefined && !pathUnder(route, use.path)) continue;
    if (use.args.some((arg) => !isRouterArg(tsm, checker, arg) && accepts(arg))) return true;
  }
  // Mounted: parent.use(prefix?, …middlewares, router), parent.route(prefix, subApp)
  for (const use of index.uses) {
    const position = use.args.findIndex((arg) => appSymbol(tsm, checker, arg) === symbol);
    if (position < 0) continue;
    const mounted = joinPath(use.path ?? '', route);
    if (use.args.slice(0, position).some((arg) => accepts(arg))) return true;
    const parent = (skipOuterExpressions(tsm, use.call.expression) as ts.PropertyAccessExpression).expression;
    if (coveredByUse(tsm, checker, index, parent, mounted, use.call, accepts, depth + 1)) return true;
  }
  return false;
}

function isRouterArg(tsm: TypeScriptModule, checker: TypeQueries, arg: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, arg);
  if (!tsm.isIdentifier(value)) return false;
  const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  const initializer = skipOuterExpressions(tsm, declaration.initializer);
  return tsm.isCallExpression(initializer) && calleeName(tsm, initializer.expression) === 'Router';
}


/** Segment by segment: a parameter (`/:eventId`) of the prefix matches any one segment of the route. */
function pathUnder(route: string, prefix: string): boolean {
  const routeSegments = route.split('/').filter(Boolean);
  const prefixSegments = prefix.split('/').filter(Boolean);
  if (prefixSegments.length > routeSegments.length) return false;
  return prefixSegments.every((segment, i) => segment === routeSegments[i] || segment.startsWith(':') || segment === '*');
}

/**
 * Whether a global `@fastify/rate-limit` covers a Fastify instance: registered on that instance,
 * or on the one that registers the plugin the instance belongs to (`app.register(routes)` with
 * `async function routes(fastify) { … }`). Another service's limiter covers nothing here.
 */
export function coveredByFastifyLimit(
  tsm: TypeScriptModule,
  program: ProgramQueries,
  checker: TypeQueries,
  index: MiddlewareIndex,
  receiver: ts.Expression | undefined,
  depth = 0,
): boolean {
  if (!receiver || depth > 3) return false;
  const symbol = appSymbol(tsm, checker, receiver);
  if (!symbol) return false;
  const instanceOf = (call: ts.CallExpression) => appSymbol(tsm, checker, (skipOuterExpressions(tsm, call.expression) as ts.PropertyAccessExpression).expression);
  if (index.fastifyGlobalLimits.some((call) => instanceOf(call) === symbol)) return true;
  const declaration = symbol.valueDeclaration;
  if (!declaration || !tsm.isParameter(declaration)) return false;
  const plugin = declaration.parent;
  return index.fastifyRegisters.some(
    (call) =>
      call.arguments[0] !== undefined &&
      handlerFunctions(tsm, checker, program, call.arguments[0]).includes(plugin as never) &&
      coveredByFastifyLimit(tsm, program, checker, index, (skipOuterExpressions(tsm, call.expression) as ts.PropertyAccessExpression).expression, depth + 1),
  );
}

/**
 * Whether a global Nest guard applies to a controller: the controller is declared in the guard's
 * module or a module it imports (`@Module({ controllers, imports })`), or, when the wiring cannot
 * be read, lives under the folder of the file that declares the guard. A guard in another
 * service's module guards nothing here.
 */
export function nestGuardCovers(tsm: TypeScriptModule, checker: TypeQueries, guard: NestGlobalGuard, controller: ts.ClassDeclaration): boolean {
  const file = guard.node.getSourceFile().fileName;
  if (controller.getSourceFile().fileName.startsWith(path.dirname(file) + '/')) return true;
  const root = guardModule(tsm, checker, guard.node);
  if (!root) return false;
  const seen = new Set<ts.ClassDeclaration>();
  const queue = [root];
  while (queue.length > 0 && seen.size < 200) {
    const module = queue.shift()!;
    if (seen.has(module)) continue;
    seen.add(module);
    const metadata = moduleMetadata(tsm, module);
    if (!metadata) continue;
    if (classesIn(tsm, checker, property(tsm, metadata, 'controllers')).includes(controller)) return true;
    queue.push(...classesIn(tsm, checker, property(tsm, metadata, 'imports')));
  }
  return false;
}

/** The module an `APP_GUARD` provider sits in, or the one `NestFactory.create(AppModule)` boots next to `useGlobalGuards`. */
function guardModule(tsm: TypeScriptModule, checker: TypeQueries, node: ts.Node): ts.ClassDeclaration | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (tsm.isClassDeclaration(current)) return current;
  }
  let module: ts.ClassDeclaration | undefined;
  walkTree(tsm, node.getSourceFile(), (child) => {
    if (tsm.isCallExpression(child) && calleeName(tsm, child.expression) === 'create' && child.expression.getText().includes('NestFactory') && child.arguments[0]) {
      module = classesIn(tsm, checker, child.arguments[0])[0];
      if (module) return 'stop';
    }
  });
  return module;
}

function moduleMetadata(tsm: TypeScriptModule, declaration: ts.ClassDeclaration): ts.ObjectLiteralExpression | undefined {
  for (const decorator of tsm.getDecorators(declaration) ?? []) {
    const expression = decorator.expression;
    if (tsm.isCallExpression(expression) && calleeName(tsm, expression.expression) === 'Module' && expression.arguments[0]) {
      const value = skipOuterExpressions(tsm, expression.arguments[0]);
      if (tsm.isObjectLiteralExpression(value)) return value;
    }
  }
  return undefined;
}

/** Classes named in `[A, B, forwardRef(() => C)]` or a single `A`. */
function classesIn(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression | undefined): ts.ClassDeclaration[] {
  if (!expression) return [];
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => classesIn(tsm, checker, element));
  if (tsm.isCallExpression(value)) return value.arguments.flatMap((argument) => classesIn(tsm, checker, argument));
  if (tsm.isArrowFunction(value) && !tsm.isBlock(value.body)) return classesIn(tsm, checker, value.body);
  if (!tsm.isIdentifier(value)) return [];
  const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
  return declaration && tsm.isClassDeclaration(declaration) ? [declaration] : [];
}
