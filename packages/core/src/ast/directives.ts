import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

/**
 * The string directives at the top of a module or a function body (`'use client'`,
 * `'use server'`, `'use strict'`).
 */
export function getDirectives(tsm: TypeScriptModule, container: ts.SourceFile | ts.Block): string[] {
  const directives: string[] = [];
  for (const statement of container.statements) {
    if (!tsm.isExpressionStatement(statement) || !tsm.isStringLiteral(statement.expression)) break;
    directives.push(statement.expression.text);
  }
  return directives;
}

/**
 * Browser code: a `'use client'` module, or a JSX file that is not a server action module.
 * An unhandled rejection there is logged by the browser, not fatal to a process.
 */
export function isClientModule(tsm: TypeScriptModule, sourceFile: ts.SourceFile): boolean {
  const directives = getDirectives(tsm, sourceFile);
  if (directives.includes('use client')) return true;
  if (directives.includes('use server')) return false;
  return /\.[jt]sx$/.test(sourceFile.fileName);
}
