import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { resolveSymbol, skipOuterExpressions, someNode, walkTree, type TypeScriptModule } from '@premortem/core';
import { handlerFunctions } from './handlers.js';

/** `'POST /users'`: a method and a path, the key of a table a handler dispatches through. */
const ROUTE_KEY = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+(\/\S*)$/;

/** One entry of a dispatch table: its method, its key (where a report goes), the handler it names. */
export interface DispatchEntry {
  method: string;
  key: ts.StringLiteral;
  value: ts.Expression;
}

/**
 * The entries of a table a handler looks its route up in by method,
 * `routes[`${req.method} ${path}`]`: each entry answers one method, and runs after the
 * dispatching handler. Tables keyed otherwise (by path alone, computed keys) are not read.
 */
export function dispatchEntries(tsm: TypeScriptModule, checker: TypeQueries, program: ProgramQueries, handler: ts.Node): DispatchEntry[] {
  const entries: DispatchEntry[] = [];
  for (const fn of handlerFunctions(tsm, checker, program, handler)) {
    walkTree(tsm, fn, (node) => {
      if (tsm.isElementAccessExpression(node) && keyedByMethod(tsm, node.argumentExpression)) entries.push(...tableEntries(tsm, checker, node.expression));
    });
  }
  return entries;
}

/** `${req.method} ${path}`, or `req.method + ' ' + path`. */
function keyedByMethod(tsm: TypeScriptModule, key: ts.Expression): boolean {
  if (!tsm.isTemplateExpression(key) && !tsm.isBinaryExpression(key)) return false;
  return someNode(tsm, key, (node) => tsm.isPropertyAccessExpression(node) && node.name.text === 'method');
}

function tableEntries(tsm: TypeScriptModule, checker: TypeQueries, table: ts.Expression): DispatchEntry[] {
  let value = skipOuterExpressions(tsm, table);
  if (tsm.isIdentifier(value)) {
    const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
    if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return [];
    value = skipOuterExpressions(tsm, declaration.initializer);
  }
  if (!tsm.isObjectLiteralExpression(value)) return [];
  return value.properties.flatMap((element) => {
    if (!tsm.isPropertyAssignment(element) || !tsm.isStringLiteral(element.name)) return [];
    const match = ROUTE_KEY.exec(element.name.text);
    return match ? [{ method: match[1]!, key: element.name, value: element.initializer }] : [];
  });
}
