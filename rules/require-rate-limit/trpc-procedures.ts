import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { getImportSource, resolveSymbol, skipOuterExpressions, someNode, type TypeScriptModule } from '@premortem/core';
import { handlerFunctions, type HttpHandler } from './handlers.js';

/** A tRPC procedure as an endpoint: a mutation is a `POST`, a query a `GET`. */
export interface TrpcProcedure extends Omit<HttpHandler, 'framework'> {
  framework: 'trpc';
}

/** Every tRPC procedure among a file's calls (the engine's candidates). */
export function findTrpcProcedures(
  tsm: TypeScriptModule,
  program: ProgramQueries,
  checker: TypeQueries,
  candidates: readonly (ts.CallExpression | ts.MethodDeclaration)[],
): TrpcProcedure[] {
  return candidates.flatMap((node) => {
    const procedure = tsm.isCallExpression(node) ? trpcProcedure(tsm, checker, program, node) : undefined;
    return procedure ? [procedure] : [];
  });
}

/** What a client sends for each kind of procedure over tRPC's HTTP link. */
const PROCEDURE_METHODS: Record<string, string> = { mutation: 'POST', query: 'GET' };

/** Builder variables followed back to where they are built: `protectedProcedure` → `t.procedure.use(…)` → `initTRPC…`. */
const MAX_HOPS = 4;

/** What a procedure's builder chain says: its middlewares in the order they run, its builders' names, whether tRPC made it. */
interface Chain {
  uses: ts.Expression[];
  names: string[];
  fromTrpc: boolean;
}

/**
 * A tRPC procedure, `publicProcedure.input(schema).mutation(resolver)`, as an endpoint: a
 * mutation is a POST, a query a GET. Only server builder chains: the resolver is a function,
 * and the chain starts from `initTRPC` or a builder named `…Procedure`.
 */
function trpcProcedure(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, call: ts.CallExpression): TrpcProcedure | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || call.arguments.length !== 1) return undefined;
  const method = PROCEDURE_METHODS[callee.name.text];
  if (!method) return undefined;
  const resolver = call.arguments[0]!;
  if (handlerFunctions(tsm, checker, program, resolver).length === 0) return undefined;
  const chain = builderChain(tsm, checker, callee.expression, 0);
  if (!chain.fromTrpc && !chain.names.some((name) => /procedure$/i.test(name))) return undefined;
  const key = routerKey(tsm, call);
  return {
    framework: 'trpc',
    methods: [method],
    route: key?.path,
    node: key?.name ?? callee.name,
    handlers: [...chain.uses, resolver],
    procedureNames: chain.names,
  };
}

/** Walks `a.use(x).input(y)` down to its root, then follows the root to where it is built. */
function builderChain(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression, hops: number): Chain {
  const uses: ts.Expression[] = [];
  let value = skipOuterExpressions(tsm, expression);
  while (tsm.isCallExpression(value) && tsm.isPropertyAccessExpression(skipOuterExpressions(tsm, value.expression))) {
    const link = skipOuterExpressions(tsm, value.expression) as ts.PropertyAccessExpression;
    if (link.name.text === 'use') uses.unshift(...value.arguments);
    value = skipOuterExpressions(tsm, link.expression);
  }
  if (tsm.isCallExpression(value) || tsm.isNewExpression(value)) return { uses, names: [], fromTrpc: isTrpcInit(tsm, checker, value) };
  if (tsm.isPropertyAccessExpression(value)) {
    // t.procedure: `t` is what initTRPC made
    const owner = builderChain(tsm, checker, value.expression, hops);
    return { uses: [...owner.uses, ...uses], names: [value.name.text], fromTrpc: owner.fromTrpc };
  }
  if (!tsm.isIdentifier(value)) return { uses, names: [], fromTrpc: false };
  const origin = hops < MAX_HOPS ? variableInitializer(tsm, checker, value) : undefined;
  const inner = origin ? builderChain(tsm, checker, origin, hops + 1) : { uses: [], names: [], fromTrpc: isTrpcImport(tsm, checker, value) };
  return { uses: [...inner.uses, ...uses], names: [value.text, ...inner.names], fromTrpc: inner.fromTrpc };
}

function variableInitializer(tsm: TypeScriptModule, checker: TypeQueries, identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = resolveSymbol(tsm, checker, identifier)?.valueDeclaration;
  return declaration && tsm.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
}

/** `initTRPC.create()`, `initTRPC.context<C>().create()`: rooted at `initTRPC` from `@trpc/server`. */
function isTrpcInit(tsm: TypeScriptModule, checker: TypeQueries, call: ts.Expression): boolean {
  return someNode(tsm, call, (node) => tsm.isIdentifier(node) && isTrpcImport(tsm, checker, node));
}

function isTrpcImport(tsm: TypeScriptModule, checker: TypeQueries, identifier: ts.Identifier): boolean {
  return /^@trpc\/server(\/|$)/.test(getImportSource(tsm, checker, identifier)?.module ?? '');
}

/**
 * The procedure's key in the router object literal it is written in (`cancel: …` in
 * `router({ … })`), prefixed with the keys of routers it is nested in the same way.
 */
function routerKey(tsm: TypeScriptModule, procedure: ts.Expression): { name: ts.Node; path: string } | undefined {
  const own = keyInRouter(tsm, procedure);
  if (!own) return undefined;
  const keys = [own.name.text];
  for (let router = own.router, depth = 0; depth < 4; depth++) {
    const parent = keyInRouter(tsm, router);
    if (!parent) break;
    keys.unshift(parent.name.text);
    router = parent.router;
  }
  return { name: own.name, path: keys.join('.') };
}

/** `key: value` in an object literal passed to a call (`router({…})`, `t.router({…})`): the key and that call. */
function keyInRouter(tsm: TypeScriptModule, value: ts.Expression): { name: ts.Identifier | ts.StringLiteral; router: ts.CallExpression } | undefined {
  let node: ts.Node = value;
  while (tsm.isParenthesizedExpression(node.parent) || tsm.isAsExpression(node.parent) || tsm.isSatisfiesExpression(node.parent)) node = node.parent;
  const assignment = node.parent;
  if (!tsm.isPropertyAssignment(assignment) || assignment.initializer !== node) return undefined;
  if (!tsm.isIdentifier(assignment.name) && !tsm.isStringLiteral(assignment.name)) return undefined;
  const router = assignment.parent.parent;
  if (!tsm.isCallExpression(router) || !router.arguments.includes(assignment.parent)) return undefined;
  return { name: assignment.name, router };
}
