import type ts from 'typescript';
import type { TypeQueries } from '@premortem/core';
import { resolveSymbol, skipOuterExpressions, type TypeScriptModule } from '@premortem/core';

/**
 * The app or router an expression stands for: a variable (`app`, `this.router`), or the variable a
 * chain is assigned to (`export const auth = new Hono().use(…).post(…)`: every link is `auth`).
 */
export function appSymbol(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression): ts.Symbol | undefined {
  let value = skipOuterExpressions(tsm, expression);
  while (tsm.isCallExpression(value) && tsm.isPropertyAccessExpression(skipOuterExpressions(tsm, value.expression))) {
    const inner = skipOuterExpressions(tsm, (skipOuterExpressions(tsm, value.expression) as ts.PropertyAccessExpression).expression);
    if (!tsm.isCallExpression(inner) && !tsm.isNewExpression(inner)) break;
    value = inner;
  }
  if (tsm.isCallExpression(value) || tsm.isNewExpression(value)) return chainVariable(tsm, checker, value);
  const name = tsm.isPropertyAccessExpression(value) ? value.name : value;
  return tsm.isIdentifier(name) ? resolveSymbol(tsm, checker, name) : undefined;
}

function chainVariable(tsm: TypeScriptModule, checker: TypeQueries, root: ts.Expression): ts.Symbol | undefined {
  let node: ts.Node = root;
  while (
    (tsm.isPropertyAccessExpression(node.parent) && node.parent.expression === node) ||
    (tsm.isCallExpression(node.parent) && node.parent.expression === node) ||
    tsm.isParenthesizedExpression(node.parent) ||
    tsm.isAsExpression(node.parent) ||
    tsm.isSatisfiesExpression(node.parent)
  ) {
    node = node.parent;
  }
  return tsm.isVariableDeclaration(node.parent) && tsm.isIdentifier(node.parent.name) ? checker.getSymbolAtLocation(node.parent.name) : undefined;
}

/** `/api/*`, `/api/` and `/api` are one prefix; `/` and `*` are none (''). */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/\/?\*$/, '').replace(/\/+$/, '');
}

export function joinPath(prefix: string, route: string): string {
  if (prefix === '') return route;
  return route === '/' || route === '' ? prefix : prefix + route;
}
