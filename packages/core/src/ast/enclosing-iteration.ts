import type ts from 'typescript';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import type { TypeScriptModule } from '../rule.js';
import { someNode } from './walk-tree.js';

/** Array methods that call their callback once per element. */
const ITERATING_METHODS = new Set(['map', 'forEach', 'flatMap', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

export type Iteration =
  | { kind: 'loop'; node: ts.IterationStatement; iterates: ts.Expression | undefined }
  | { kind: 'callback'; node: ts.CallExpression; method: string; callback: ts.ArrowFunction | ts.FunctionExpression; iterates: ts.Expression };

/**
 * The loop or per-element callback that runs `node` once per iteration, stopping at the first
 * function boundary that is not such a callback. The iterated expression of a `for…of` runs
 * once, so a query there is not inside the loop.
 */
export function getEnclosingIteration(tsm: TypeScriptModule, node: ts.Node): Iteration | undefined {
  let child: ts.Node = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (tsm.isForOfStatement(parent) || tsm.isForInStatement(parent)) {
      if (child === parent.statement) return { kind: 'loop', node: parent, iterates: parent.expression };
    } else if (tsm.isForStatement(parent)) {
      if (child === parent.statement || child === parent.condition || child === parent.incrementor) {
        return { kind: 'loop', node: parent, iterates: undefined };
      }
    } else if (tsm.isWhileStatement(parent) || tsm.isDoStatement(parent)) {
      return { kind: 'loop', node: parent, iterates: undefined };
    } else if (tsm.isArrowFunction(parent) || tsm.isFunctionExpression(parent)) {
      const call = parent.parent;
      if (tsm.isCallExpression(call) && call.arguments[0] === parent) {
        const callee = skipOuterExpressions(tsm, call.expression);
        if (tsm.isPropertyAccessExpression(callee) && ITERATING_METHODS.has(callee.name.text)) {
          return { kind: 'callback', node: call, method: callee.name.text, callback: parent, iterates: callee.expression };
        }
      }
      return undefined;
    } else if (tsm.isFunctionLike(parent) || tsm.isClassLike(parent)) {
      return undefined;
    }
  }
  return undefined;
}

/** True when an `await` runs before `node` inside `fn` (not counting nested functions). */
export function hasAwaitBefore(tsm: TypeScriptModule, fn: ts.FunctionLikeDeclaration, node: ts.Node): boolean {
  const limit = node.getStart();
  if (!fn.body) return false;
  return someNode(
    tsm,
    fn.body,
    (current) => tsm.isAwaitExpression(current) && current.getEnd() <= limit,
    (current) => current.getStart() >= limit || tsm.isFunctionLike(current),
  );
}
