import type ts from 'typescript';
import { getEnclosingFunction, getImportSource, isProjectSource, perProgram, resolveSymbol, skipOuterExpressions, walkTree } from '@premortem/core';
import { coveredByUse, type MiddlewareIndex } from './middleware.js';
import { middlewareReach, reachOf } from './reach.js';
import type { Recognizer } from './recognize.js';

/** The calls that serve a tRPC router over HTTP, by the adapter package they come from. */
const ADAPTERS = /^(@trpc\/server\/adapters\/|@hono\/trpc-server$)/;
const ADAPTER_NAMES = /^(fetchRequestHandler|createNextApiHandler|createExpressMiddleware|fastifyTRPCPlugin|createHTTPHandler|trpcServer|nodeHTTPRequestHandler)$/;

/**
 * Whether every place the project serves tRPC over HTTP is rate limited: a limiter in the route
 * handler around `fetchRequestHandler(…)`, or a `use` before the adapter is mounted
 * (`app.use('/api/trpc/*', limiter); app.use('/api/trpc/*', trpcServer(…))`). Then every
 * procedure runs behind a limit. Answered once per Program.
 */
export function isTrpcServedLimited(recognizer: Recognizer, index: MiddlewareIndex): boolean {
  const key = `require-rate-limit:trpc-served:${JSON.stringify([recognizer.extraLimiters, recognizer.extraAuth])}`;
  return perProgram(recognizer.program, key, () => {
    const sites = servingSites(recognizer);
    return sites.length > 0 && sites.every((site) => isSiteLimited(recognizer, index, site));
  });
}

function servingSites(recognizer: Recognizer): ts.CallExpression[] {
  const { ts: tsm, program, checker } = recognizer;
  const sites: ts.CallExpression[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (!isProjectSource(program, sourceFile) || !/fetchRequestHandler|createNextApiHandler|createExpressMiddleware|fastifyTRPCPlugin|createHTTPHandler|trpcServer|nodeHTTPRequestHandler/.test(sourceFile.text)) continue;
    walkTree(tsm, sourceFile, (node) => {
      if (!tsm.isCallExpression(node)) return;
      const callee = skipOuterExpressions(tsm, node.expression);
      if (!tsm.isIdentifier(callee) || !ADAPTER_NAMES.test(callee.text)) return;
      if (ADAPTERS.test(getImportSource(tsm, checker, callee)?.module ?? '')) sites.push(node);
    });
  }
  return sites;
}

function isSiteLimited(recognizer: Recognizer, index: MiddlewareIndex, site: ts.CallExpression): boolean {
  const { ts: tsm } = recognizer;
  const enclosing = getEnclosingFunction(tsm, site);
  if (enclosing && reachOf(recognizer, [enclosing]).limit) return true;
  // Where the adapter (or the function that calls it) is mounted with `use`.
  const mounted = mountedValues(tsm, site, enclosing);
  const limiter = (middleware: ts.Expression) => middlewareReach(recognizer, middleware).limit !== undefined;
  return index.uses.some((use) => {
    const position = use.args.findIndex((arg) => mounted.has(valueOf(recognizer, arg)));
    if (position < 0) return false;
    if (use.args.slice(0, position).some(limiter)) return true;
    const receiver = (skipOuterExpressions(tsm, use.call.expression) as ts.PropertyAccessExpression).expression;
    return coveredByUse(tsm, recognizer.checker, index, receiver, use.path ?? '', use.call, limiter);
  });
}

/** The nodes a `use` argument may name for this site: the call, the function around it, or the variable either is stored in. */
function mountedValues(tsm: Recognizer['ts'], site: ts.CallExpression, enclosing: ts.Node | undefined): Set<ts.Node> {
  const values = new Set<ts.Node>([site]);
  for (const node of [site, enclosing]) {
    if (!node) continue;
    values.add(node);
    let parent = node.parent;
    while (parent && (tsm.isParenthesizedExpression(parent) || tsm.isAsExpression(parent) || tsm.isSatisfiesExpression(parent))) parent = parent.parent;
    if (parent && tsm.isVariableDeclaration(parent)) values.add(parent);
  }
  return values;
}

/** What a `use` argument stands for: itself, or the declaration of the name it is. */
function valueOf(recognizer: Recognizer, argument: ts.Expression): ts.Node {
  const { ts: tsm, checker } = recognizer;
  const value = skipOuterExpressions(tsm, argument);
  if (!tsm.isIdentifier(value)) return value;
  return resolveSymbol(tsm, checker, value)?.valueDeclaration ?? value;
}
