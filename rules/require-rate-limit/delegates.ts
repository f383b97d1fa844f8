import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { getImportSource, resolveSymbol, skipOuterExpressions, someNode, type TypeScriptModule } from '@premortem/core';
import { exportSpecifierTarget, frameworkOf, handlerFunctions } from './handlers.js';

/**
 * Adapters that hand a request to routes declared elsewhere (a Hono app, a tRPC router, an auth
 * library). Those routes are found where they are declared; the export that delegates to them is
 * no endpoint of its own. Known by import specifier, so a checkout with no node_modules works.
 */
const DELEGATING_MODULES = new Set([
  'hono/vercel',
  'hono/nextjs',
  '@hono/node-server/vercel',
  '@trpc/server/adapters/fetch',
  '@trpc/server/adapters/next',
  'better-auth/next-js',
]);

/** Libraries whose instance's `.handler` serves the library's own routes (`auth.handler`). */
const AUTH_LIBRARY_MODULES = /^better-auth(\/|$)/;

/** Whether an exported handler only passes the request on to routes declared elsewhere. */
export function isDelegatingExport(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, expression: ts.Node): boolean {
  const value = delegateCandidate(tsm, checker, expression);
  if (value && isDelegatingValue(tsm, checker, value)) return true;
  return handlerFunctions(tsm, checker, program, expression).some((fn) => callsAdapter(tsm, checker, fn));
}

/** The expression an export stands for: itself, or the initializer of the variable it names (a few hops). */
function delegateCandidate(tsm: TypeScriptModule, checker: TypeQueries, node: ts.Node): ts.Expression | undefined {
  let current: ts.Node = node;
  for (let hops = 0; hops < 5; hops++) {
    const value = tsm.isExportSpecifier(current) ? current : skipOuterExpressions(tsm, current as ts.Expression);
    if (!tsm.isIdentifier(value) && !tsm.isExportSpecifier(value)) return value;
    const symbol = tsm.isExportSpecifier(value) ? exportSpecifierTarget(tsm, checker, value) : resolveSymbol(tsm, checker, value);
    const declaration = symbol?.valueDeclaration;
    if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
    current = declaration.initializer;
  }
  return undefined;
}

/** `handle(app)`, `toNextJsHandler(auth).POST`, `createNextApiHandler(…)`, `app.fetch`, `auth.handler`. */
function isDelegatingValue(tsm: TypeScriptModule, checker: TypeQueries, value: ts.Expression): boolean {
  if (tsm.isCallExpression(value)) return isAdapterCall(tsm, checker, value);
  if (!tsm.isPropertyAccessExpression(value)) return false;
  const owner = skipOuterExpressions(tsm, value.expression);
  // toNextJsHandler(auth).POST
  if (tsm.isCallExpression(owner)) return isAdapterCall(tsm, checker, owner);
  if (value.name.text === 'fetch') return frameworkOf(tsm, checker, owner) === 'hono' && !isConventionalNameOnly(tsm, checker, owner);
  if (value.name.text === 'handler') return isAuthLibraryInstance(tsm, checker, owner);
  return false;
}

/** `frameworkOf` falls back to names (`app` is Express); `.fetch` needs a Hono app for real. */
function isConventionalNameOnly(tsm: TypeScriptModule, checker: TypeQueries, owner: ts.Expression): boolean {
  return !tsm.isIdentifier(owner) || !resolveSymbol(tsm, checker, owner)?.valueDeclaration;
}

/** A call to a function imported from an adapter module, or a call of what such a call returns (`handle(app)(req)`). */
function isAdapterCall(tsm: TypeScriptModule, checker: TypeQueries, call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isCallExpression(callee)) return isAdapterCall(tsm, checker, callee);
  const root = tsm.isPropertyAccessExpression(callee) ? skipOuterExpressions(tsm, callee.expression) : callee;
  if (!tsm.isIdentifier(root)) return false;
  const source = getImportSource(tsm, checker, root);
  return source !== undefined && DELEGATING_MODULES.has(source.module);
}

function isAuthLibraryInstance(tsm: TypeScriptModule, checker: TypeQueries, owner: ts.Expression): boolean {
  if (!tsm.isIdentifier(owner)) return false;
  const declaration = resolveSymbol(tsm, checker, owner)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  const init = skipOuterExpressions(tsm, declaration.initializer);
  if (!tsm.isCallExpression(init)) return false;
  const callee = skipOuterExpressions(tsm, init.expression);
  const source = tsm.isIdentifier(callee) ? getImportSource(tsm, checker, callee) : undefined;
  return source !== undefined && AUTH_LIBRARY_MODULES.test(source.module);
}

/** A handler whose body hands the request to an adapter (`return fetchRequestHandler({ req, router })`). */
function callsAdapter(tsm: TypeScriptModule, checker: TypeQueries, fn: ts.Node): boolean {
  return someNode(tsm, fn, (node) => tsm.isCallExpression(node) && isAdapterCall(tsm, checker, node));
}
