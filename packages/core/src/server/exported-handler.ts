import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import { isFunctionLike, overloadImplementation, type FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { isProjectSource, resolveSymbol } from '../ast/symbols.js';
import type { TypeScriptModule } from '../rule.js';

/** Variables, wrappers and re-exports followed at most: `const a = b; const b = a;` is valid, and endless. */
const MAX_HOPS = 8;

interface Lookup {
  tsm: TypeScriptModule;
  checker: TypeQueries;
}

/**
 * The function that answers a request for a module's export `name` (`GET`, `default`): declared
 * there, assigned (`export const GET = …`), exported under another name (`export { handler as
 * GET }`) or re-exported from another module (`export { GET } from './x'`, `export * from './x'`).
 */
export function exportedHandler(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, sourceFile: ts.SourceFile, name: string): FunctionLike | undefined {
  const fn = exportOf({ tsm, checker }, sourceFile, name, 0);
  // A library's function (its declaration file, or node_modules) shows nothing of what it queries.
  return fn?.body && isProjectSource(program, fn.getSourceFile()) ? fn : undefined;
}

function exportOf(lookup: Lookup, sourceFile: ts.SourceFile, name: string, hops: number): FunctionLike | undefined {
  const { tsm } = lookup;
  if (hops > MAX_HOPS) return undefined;
  const starModules: ts.Expression[] = [];
  for (const statement of sourceFile.statements) {
    // Overload signatures have no body: the implementation follows them.
    if (tsm.isFunctionDeclaration(statement) && statement.body && exportedFunctionName(tsm, statement) === name) return statement;
    if (tsm.isVariableStatement(statement) && hasModifier(tsm, statement, tsm.SyntaxKind.ExportKeyword)) {
      for (const declaration of statement.declarationList.declarations) {
        if (tsm.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
          return handlerFunction(lookup, declaration.initializer, hops + 1);
        }
      }
    }
    if (tsm.isExportAssignment(statement) && !statement.isExportEquals && name === 'default') return handlerFunction(lookup, statement.expression, hops + 1);
    if (tsm.isExportDeclaration(statement) && !statement.isTypeOnly) {
      const clause = statement.exportClause;
      if (!clause && statement.moduleSpecifier) starModules.push(statement.moduleSpecifier);
      if (!clause || !tsm.isNamedExports(clause)) continue;
      const element = clause.elements.find((candidate) => candidate.name.text === name);
      if (element) return specifierHandler(lookup, statement, element, hops + 1);
    }
  }
  // `export *` never re-exports a default.
  if (name === 'default') return undefined;
  for (const specifier of starModules) {
    const target = moduleFile(lookup, specifier);
    const found = target ? exportOf(lookup, target, name, hops + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** `GET` for `export function GET`, `default` for `export default function`; undefined when not exported. */
function exportedFunctionName(tsm: TypeScriptModule, statement: ts.FunctionDeclaration): string | undefined {
  if (!hasModifier(tsm, statement, tsm.SyntaxKind.ExportKeyword)) return undefined;
  return hasModifier(tsm, statement, tsm.SyntaxKind.DefaultKeyword) ? 'default' : statement.name?.text;
}

function hasModifier(tsm: TypeScriptModule, statement: ts.FunctionDeclaration | ts.VariableStatement, kind: ts.SyntaxKind): boolean {
  return statement.modifiers?.some((modifier) => modifier.kind === kind) ?? false;
}

function specifierHandler(lookup: Lookup, statement: ts.ExportDeclaration, element: ts.ExportSpecifier, hops: number): FunctionLike | undefined {
  const local = element.propertyName ?? element.name;
  if (statement.moduleSpecifier) {
    const target = moduleFile(lookup, statement.moduleSpecifier);
    return target ? exportOf(lookup, target, local.text, hops) : undefined;
  }
  return handlerFunction(lookup, local, hops);
}

function moduleFile({ tsm, checker }: Lookup, specifier: ts.Expression): ts.SourceFile | undefined {
  const declaration = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
  return declaration && tsm.isSourceFile(declaration) ? declaration : undefined;
}

/**
 * The function an exported value runs: written inline, named (here or imported), or wrapped.
 * A wrapper call (`withAuth(async (req) => …)`, `withError(withAuth(handler))`, `withAuth(opts)(handler)`)
 * runs its last function argument on each request; its own body only decides whether to.
 */
function handlerFunction(lookup: Lookup, expression: ts.Expression, hops: number): FunctionLike | undefined {
  const { tsm, checker } = lookup;
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(tsm, expression);
  if (isFunctionLike(tsm, value)) return value;
  if (tsm.isIdentifier(value)) {
    const symbol = resolveSymbol(tsm, checker, value);
    // Of an overloaded function, the implementation.
    const implementation = overloadImplementation(tsm, symbol?.declarations);
    if (implementation) return implementation;
    const declaration = symbol?.valueDeclaration;
    // Declared only (a library's): the handler, though not one whose body shows anything.
    if (declaration && tsm.isFunctionDeclaration(declaration)) return declaration;
    if (declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) return handlerFunction(lookup, declaration.initializer, hops + 1);
    return undefined;
  }
  if (tsm.isCallExpression(value)) return lastFunctionArgument(lookup, value, hops);
  return undefined;
}

function lastFunctionArgument(lookup: Lookup, call: ts.CallExpression, hops: number): FunctionLike | undefined {
  for (let i = call.arguments.length - 1; i >= 0; i--) {
    const fn = handlerFunction(lookup, call.arguments[i]!, hops + 1);
    if (fn) return fn;
  }
  return undefined;
}
