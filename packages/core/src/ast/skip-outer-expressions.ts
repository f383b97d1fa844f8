import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

/** Strips parentheses, `as`, `satisfies`, `!` and type assertions: they do not change what runs. */
export function skipOuterExpressions(tsm: TypeScriptModule, node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (
      tsm.isParenthesizedExpression(current) ||
      tsm.isAsExpression(current) ||
      tsm.isSatisfiesExpression(current) ||
      tsm.isNonNullExpression(current) ||
      tsm.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}
