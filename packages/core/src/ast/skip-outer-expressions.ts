import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

/** Parentheses, `as`, `satisfies`, `!` and type assertions: wrappers that do not change what runs. */
export function isOuterExpression(
  tsm: TypeScriptModule,
  node: ts.Node,
): node is ts.ParenthesizedExpression | ts.AsExpression | ts.SatisfiesExpression | ts.NonNullExpression | ts.TypeAssertion {
  return (
    tsm.isParenthesizedExpression(node) ||
    tsm.isAsExpression(node) ||
    tsm.isSatisfiesExpression(node) ||
    tsm.isNonNullExpression(node) ||
    tsm.isTypeAssertionExpression(node)
  );
}

/** Strips the wrappers `isOuterExpression` names: they do not change what runs. */
export function skipOuterExpressions(tsm: TypeScriptModule, node: ts.Expression): ts.Expression {
  let current = node;
  while (isOuterExpression(tsm, current)) current = current.expression;
  return current;
}
