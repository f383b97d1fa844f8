import type ts from 'typescript';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { isFunctionLike, type FunctionLike } from '../ast/functions.js';
import { someDescendant } from '../ast/walk-tree.js';
import type { TypeScriptModule } from '../rule.js';

export type ReactFunctionKind = 'component' | 'hook';

export function isHookName(name: string): boolean {
  return /^use[A-Z0-9]/.test(name);
}

export function isComponentName(name: string): boolean {
  return /^[A-Z]/.test(name);
}

/** Wrappers that return a component with the same render function: `memo(Fn)`, `forwardRef(Fn)`… */
const COMPONENT_WRAPPERS = new Set(['memo', 'forwardRef', 'observer', 'styled']);

/**
 * The name a function is known by: its declaration name, or the variable or property it is
 * assigned to, looking through `memo(…)`/`forwardRef(…)`. `default` for an anonymous default export.
 */
export function getFunctionName(tsm: TypeScriptModule, fn: FunctionLike): string | undefined {
  if ((tsm.isFunctionDeclaration(fn) || tsm.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  if (tsm.isMethodDeclaration(fn)) return tsm.isIdentifier(fn.name) ? fn.name.text : undefined;
  if (tsm.isFunctionDeclaration(fn)) return hasDefaultModifier(tsm, fn) ? 'default' : undefined;
  let holder: ts.Node = fn.parent;
  while (tsm.isParenthesizedExpression(holder) || tsm.isAsExpression(holder) || tsm.isSatisfiesExpression(holder)) holder = holder.parent;
  if (tsm.isCallExpression(holder) && COMPONENT_WRAPPERS.has(calleeName(tsm, holder.expression) ?? '')) holder = holder.parent;
  if (tsm.isVariableDeclaration(holder) && tsm.isIdentifier(holder.name)) return holder.name.text;
  if (tsm.isPropertyAssignment(holder) && tsm.isIdentifier(holder.name)) return holder.name.text;
  if (tsm.isExportAssignment(holder)) return 'default';
  return undefined;
}

function hasDefaultModifier(tsm: TypeScriptModule, node: ts.FunctionDeclaration): boolean {
  return node.modifiers?.some((m) => m.kind === tsm.SyntaxKind.DefaultKeyword) ?? false;
}

/** `memo` for `memo`, `React.memo` and `React.default.memo`. */
export function calleeName(tsm: TypeScriptModule, callee: ts.Expression): string | undefined {
  const expression = skipOuterExpressions(tsm, callee);
  if (tsm.isIdentifier(expression)) return expression.text;
  if (tsm.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

/**
 * A React function component or custom hook, told apart by React's own naming rules: hooks are
 * `use…`, components are capitalized and live in JSX files or return JSX.
 */
export function getReactFunctionKind(tsm: TypeScriptModule, fn: FunctionLike): ReactFunctionKind | undefined {
  if (tsm.isConstructorDeclaration(fn) || tsm.isGetAccessorDeclaration(fn) || tsm.isSetAccessorDeclaration(fn)) return undefined;
  const name = getFunctionName(tsm, fn);
  if (!name) return undefined;
  if (isHookName(name)) return 'hook';
  if (tsm.isMethodDeclaration(fn)) return undefined;
  const jsxFile = /\.[jt]sx$/.test(fn.getSourceFile().fileName);
  if ((name === 'default' || isComponentName(name)) && (jsxFile || containsJsx(tsm, fn))) return 'component';
  return undefined;
}

function containsJsx(tsm: TypeScriptModule, node: ts.Node): boolean {
  return someDescendant(tsm, node, (child) => tsm.isJsxElement(child) || tsm.isJsxSelfClosingElement(child) || tsm.isJsxFragment(child));
}

/** The nearest enclosing component or hook, stopping at the first function that is neither. */
export function getEnclosingReactFunction(tsm: TypeScriptModule, node: ts.Node): FunctionLike | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(tsm, current)) return getReactFunctionKind(tsm, current) ? current : undefined;
  }
  return undefined;
}
