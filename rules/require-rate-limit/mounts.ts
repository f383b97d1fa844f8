import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { isProjectSource, perProgram, resolveSymbol, skipOuterExpressions, walkTree, type TypeScriptModule } from '@premortem/core';
import { appSymbol, joinPath, normalizePrefix } from './app-paths.js';
import { frameworkOf, stringsOf } from './handlers.js';

/** Where a router or sub-app is mounted: `parent.use('/api', router)`, `parent.route('/events', sub)`. */
interface Mount {
  prefix: string;
  parent: ts.Expression;
}

/** Mounts by the symbol of the app mounted; read once per Program. */
type MountIndex = Map<ts.Symbol, Mount[]>;

/** Mounts nest a few levels at most in practice; bounded so a cycle (`a.use(b); b.use(a)`) ends. */
const MAX_DEPTH = 3;

/**
 * The full path a client calls for a route registered on `receiver`: under its app's
 * `basePath(…)`, and under the prefix its app is mounted at, when it is mounted exactly once
 * (two mounts would make two paths, and the route as written is then the honest answer).
 */
export function mountedRoute(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, receiver: ts.Expression, route: string): string | undefined {
  const full = joinPath(prefixOf(tsm, checker, mountIndex(tsm, program, checker), receiver, 0), route);
  return full === route ? undefined : full;
}

function prefixOf(tsm: TypeScriptModule, checker: TypeQueries, index: MountIndex, app: ts.Expression, depth: number): string {
  const own = basePath(tsm, checker, app);
  const symbol = appSymbol(tsm, checker, app);
  const mounts = symbol ? (index.get(symbol) ?? []) : [];
  if (mounts.length !== 1 || depth >= MAX_DEPTH) return own;
  const mount = mounts[0]!;
  return prefixOf(tsm, checker, index, mount.parent, depth + 1) + mount.prefix + own;
}

function mountIndex(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries): MountIndex {
  return perProgram(program, 'require-rate-limit:mounts', () => {
    const index: MountIndex = new Map();
    for (const sourceFile of program.getSourceFiles()) {
      if (!isProjectSource(program, sourceFile) || !/\.(use|route)\s*\(/.test(sourceFile.text)) continue;
      walkTree(tsm, sourceFile, (node) => {
        if (tsm.isCallExpression(node)) collectMount(tsm, checker, node, index);
      });
    }
    return index;
  });
}

/** `parent.use('/api', …middlewares, router)` (Express, Hono) and `parent.route('/events', sub)` (Hono). */
function collectMount(tsm: TypeScriptModule, checker: TypeQueries, call: ts.CallExpression, index: MountIndex): void {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || (callee.name.text !== 'use' && callee.name.text !== 'route') || call.arguments.length < 2) return;
  const prefix = stringsOf(tsm, call.arguments[0])[0];
  if (prefix === undefined || !prefix.startsWith('/')) return;
  const parent = skipOuterExpressions(tsm, callee.expression);
  const framework = frameworkOf(tsm, checker, parent);
  if (framework !== 'express' && framework !== 'hono') return;
  if (callee.name.text === 'route' && framework !== 'hono') return;
  for (const argument of call.arguments.slice(1)) {
    const mounted = skipOuterExpressions(tsm, argument);
    if (!tsm.isIdentifier(mounted) && !tsm.isPropertyAccessExpression(mounted)) continue;
    const symbol = resolveSymbol(tsm, checker, tsm.isPropertyAccessExpression(mounted) ? mounted.name : mounted);
    const declaration = symbol?.valueDeclaration;
    // A router or app is a variable made by the framework; a middleware is a function.
    if (!symbol || !declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer || !frameworkOf(tsm, checker, declaration.initializer)) continue;
    index.set(symbol, [...(index.get(symbol) ?? []), { prefix: normalizePrefix(prefix), parent }]);
  }
}

/** `new Hono().basePath('/api')`: in the receiver's own chain, or in the chain its variable is built with. */
function basePath(tsm: TypeScriptModule, checker: TypeQueries, app: ts.Expression): string {
  let value = skipOuterExpressions(tsm, app);
  if (tsm.isIdentifier(value)) {
    const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
    if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return '';
    value = skipOuterExpressions(tsm, declaration.initializer);
  }
  const prefixes: string[] = [];
  while (tsm.isCallExpression(value) && tsm.isPropertyAccessExpression(skipOuterExpressions(tsm, value.expression))) {
    const link = skipOuterExpressions(tsm, value.expression) as ts.PropertyAccessExpression;
    const prefix = link.name.text === 'basePath' ? stringsOf(tsm, value.arguments[0])[0] : undefined;
    if (prefix !== undefined) prefixes.unshift(normalizePrefix(prefix));
    value = skipOuterExpressions(tsm, link.expression);
  }
  return prefixes.join('');
}
