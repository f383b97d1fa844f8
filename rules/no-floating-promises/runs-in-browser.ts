import type ts from 'typescript';
import { getDirectives, getReactFunctionKind, isAsyncFunction, isFunctionLike, isServerComponentFile, someNode, type ProgramQueries, type TypeScriptModule } from '@premortem/core';

/**
 * Whether the code at `node` runs in a browser, where a rejection nobody handles is logged to the
 * console and lost, not fatal to a process. It does inside a React hook, in the functions a
 * component defines (its effects and event handlers), inside a function handed to a JSX
 * attribute, in a function that reads `window` or `document`, and anywhere in a `'use client'`
 * module or a module that reads them. A `'use server'` directive on the module
 * or on a function on the way up says the opposite, and so does the render body of a server
 * component (async, or in a file the app router renders on the server). Anything else, such as
 * a module-level helper in a `.tsx` file, is not assumed to be browser code:
 * `getServerSideProps` lives there too.
 */
export function runsInBrowser(tsm: TypeScriptModule, program: ProgramQueries, sourceFile: ts.SourceFile, node: ts.Node): boolean {
  const directives = getDirectives(tsm, sourceFile);
  if (directives.includes('use server')) return false;
  let nested = false;
  for (let child: ts.Node = node, current = node.parent; current && current !== sourceFile; child = current, current = current.parent) {
    const guard = environmentGuard(tsm, current, child);
    if (guard !== undefined) return guard === 'browser';
    if (!isFunctionLike(tsm, current)) continue;
    if (hasUseServerDirective(tsm, current)) return false;
    const kind = getReactFunctionKind(tsm, current);
    if (kind === 'hook') return true;
    if (kind === 'component') {
      if (nested) return true;
      return !isAsyncFunction(tsm, current) && !isServerComponentFile(tsm, program, sourceFile);
    }
    if (isJsxAttributeValue(tsm, current)) return true;
    if (usesBrowserGlobals(tsm, current)) return true;
    nested = true;
  }
  if (directives.includes('use client')) return true;
  // Module-level code (a browser entry calling `main()`) runs where the module does.
  return !nested && usesBrowserGlobals(tsm, sourceFile);
}

/**
 * What a branch of universal code asserts about where it runs: the `then` of
 * `if (typeof window !== 'undefined')` (or the right of `typeof window !== 'undefined' && …`) runs
 * in a browser, the `then` of `if (typeof window === 'undefined')` on the server.
 */
function environmentGuard(tsm: TypeScriptModule, current: ts.Node, child: ts.Node): 'browser' | 'server' | undefined {
  if (tsm.isIfStatement(current) && child === current.thenStatement) return asserts(tsm, current.expression);
  if (tsm.isBinaryExpression(current) && current.operatorToken.kind === tsm.SyntaxKind.AmpersandAmpersandToken && child === current.right) return asserts(tsm, current.left);
  return undefined;
}

function asserts(tsm: TypeScriptModule, condition: ts.Expression): 'browser' | 'server' | undefined {
  if (tsm.isParenthesizedExpression(condition)) return asserts(tsm, condition.expression);
  if (!tsm.isBinaryExpression(condition)) return undefined;
  const { SyntaxKind: k } = tsm;
  const operator = condition.operatorToken.kind;
  const equal = operator === k.EqualsEqualsEqualsToken || operator === k.EqualsEqualsToken;
  if (!equal && operator !== k.ExclamationEqualsEqualsToken && operator !== k.ExclamationEqualsToken) return undefined;
  const [probe, literal] = tsm.isTypeOfExpression(condition.left) ? [condition.left, condition.right] : [condition.right, condition.left];
  if (!tsm.isTypeOfExpression(probe) || !tsm.isIdentifier(probe.expression) || !BROWSER_GLOBALS.has(probe.expression.text)) return undefined;
  if (!tsm.isStringLiteral(literal)) return undefined;
  const present = literal.text === 'undefined' ? !equal : equal;
  return present ? 'browser' : 'server';
}

/** Globals only a browser has; `typeof window` is how universal code asks, so it does not count. */
const BROWSER_GLOBALS = new Set(['window', 'document']);

/**
 * Whether `scope` (a function, or for module-level code the whole module) reads `window` or
 * `document`: code that does runs in a browser, whatever its file is called (a browser entry
 * such as Remix's `entry.client.tsx`, a tracking script, a browser SDK).
 */
function usesBrowserGlobals(tsm: TypeScriptModule, scope: ts.Node): boolean {
  return someNode(tsm, scope, (node) => {
    if (!tsm.isIdentifier(node) || !BROWSER_GLOBALS.has(node.text)) return false;
    const parent = node.parent;
    if (tsm.isTypeOfExpression(parent)) return false;
    // `x.window`, `{ document: … }`, a declaration or a type are not reads of the global.
    if ((tsm.isPropertyAccessExpression(parent) && parent.name === node) || tsm.isPropertyAssignment(parent) || tsm.isTypeReferenceNode(parent)) return false;
    return true;
  });
}

function hasUseServerDirective(tsm: TypeScriptModule, fn: ts.Node): boolean {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  return body !== undefined && tsm.isBlock(body) && getDirectives(tsm, body).includes('use server');
}

/** `onClick={() => …}` or `onClick={async function () { … }}`. */
function isJsxAttributeValue(tsm: TypeScriptModule, fn: ts.Node): boolean {
  let holder = fn.parent;
  while (holder && tsm.isParenthesizedExpression(holder)) holder = holder.parent;
  return holder !== undefined && tsm.isJsxExpression(holder) && tsm.isJsxAttribute(holder.parent);
}
