import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { skipOuterExpressions } from './skip-outer-expressions.js';

export type FunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

// Asked of nearly every node the render and retry walks visit: one switch, not seven guards.
export function isFunctionLike(tsm: TypeScriptModule, node: ts.Node): node is FunctionLike {
  const kind = tsm.SyntaxKind;
  switch (node.kind) {
    case kind.FunctionDeclaration:
    case kind.FunctionExpression:
    case kind.ArrowFunction:
    case kind.MethodDeclaration:
    case kind.Constructor:
    case kind.GetAccessor:
    case kind.SetAccessor:
      return true;
    default:
      return false;
  }
}

/** Of an overloaded function's declarations, the implementation: the one with a body. */
export function overloadImplementation(tsm: TypeScriptModule, declarations: readonly ts.Declaration[] | undefined): ts.FunctionDeclaration | ts.MethodDeclaration | undefined {
  return declarations?.find((d): d is ts.FunctionDeclaration | ts.MethodDeclaration => (tsm.isFunctionDeclaration(d) || tsm.isMethodDeclaration(d)) && d.body !== undefined);
}

/** The innermost function that contains `node`, or undefined at module level. */
export function getEnclosingFunction(tsm: TypeScriptModule, node: ts.Node): FunctionLike | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(tsm, current)) return current;
    // A class field initializer runs in the constructor, not in the enclosing function.
    if (tsm.isPropertyDeclaration(current) || tsm.isClassStaticBlockDeclaration(current)) return undefined;
  }
  return undefined;
}

export function isAsyncFunction(tsm: TypeScriptModule, fn: ts.Node): boolean {
  return (
    isFunctionLike(tsm, fn) &&
    (tsm.getCombinedModifierFlags(fn) & tsm.ModifierFlags.Async) !== 0
  );
}

/** The function a declaration holds: `function f`, `const f = () => …`, `{ f() {} }`, `{ f: () => … }`. */
export function functionOf(tsm: TypeScriptModule, declaration: ts.Node): FunctionLike | undefined {
  if (isFunctionLike(tsm, declaration)) return declaration;
  const initializer =
    tsm.isVariableDeclaration(declaration) || tsm.isPropertyAssignment(declaration) || tsm.isPropertyDeclaration(declaration)
      ? declaration.initializer
      : undefined;
  if (!initializer) return undefined;
  let value = skipOuterExpressions(tsm, initializer);
  // memo(Component), forwardRef(…), useCallback(fn, deps): the function they wrap.
  if (tsm.isCallExpression(value) && value.arguments[0]) {
    const callee = skipOuterExpressions(tsm, value.expression);
    const name = tsm.isIdentifier(callee) ? callee.text : tsm.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name && ['memo', 'forwardRef', 'observer', 'useCallback'].includes(name)) value = skipOuterExpressions(tsm, value.arguments[0]);
  }
  return isFunctionLike(tsm, value) ? value : undefined;
}
