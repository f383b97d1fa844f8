import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { skipOuterExpressions } from './skip-outer-expressions.js';

/**
 * The operands of a chain of one binary operator, left to right, each with parentheses and
 * assertions looked through: `a && (b && c)` gives `a`, `b`, `c`. Read on an explicit stack, not
 * by recursion: a generated `a && b && …` of 30,000 terms is 30,000 levels deep.
 */
export function chainOperands(tsm: TypeScriptModule, expression: ts.Expression, operator: ts.BinaryOperator): ts.Expression[] {
  const operands: ts.Expression[] = [];
  const pending: ts.Expression[] = [expression];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const value = skipOuterExpressions(tsm, next);
    if (tsm.isBinaryExpression(value) && value.operatorToken.kind === operator) pending.push(value.right, value.left);
    else operands.push(value);
  }
  return operands;
}
