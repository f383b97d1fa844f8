import type ts from 'typescript';
import type { TypeQueries } from '@premortem/core';
import { isOuterExpression, isThenableArrayType, isThenableType, skipOuterExpressions, unionParts, type TypeScriptModule } from '@premortem/core';
import { isCallThatCannotReject, isFunctionThatCannotReject } from './cannot-reject.js';
import { handlesRejection, promiseMethodName } from './rejection-handlers.js';

export type FloatingKind = 'floating' | 'floatingThen' | 'floatingFinally' | 'floatingArray';

export interface TypeFacts {
  ts: TypeScriptModule;
  checker: TypeQueries;
}

export interface DroppedPromise {
  /** The operand that holds the promise: `p()` in `ready && p()`, `c ? p() : q()` or `(p(), 1)`. */
  operand: ts.Expression;
  kind: FloatingKind;
}

/**
 * Why the value of `node`, if dropped, leaves a rejection unhandled; undefined when it is not a
 * promise or its rejection is already handled (`.catch(h)`, `.then(a, b)`, `await`).
 */
export function classifyDropped(facts: TypeFacts, node: ts.Expression): FloatingKind | undefined {
  return findDroppedPromise(facts, node)?.kind;
}

/**
 * The first operand, left to right, whose value `node` passes through and drops unhandled:
 * operands of `,`, `&&`, `||`, `??` and both branches of `?:` are dropped with it. Read on an
 * explicit stack: a 30,000-term `a && b && …` chain is 30,000 levels deep.
 */
export function findDroppedPromise(facts: TypeFacts, node: ts.Expression): DroppedPromise | undefined {
  const tsm = facts.ts;
  const pending: ts.Expression[] = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const expression = skipOuterExpressions(tsm, next);
    if (tsm.isBinaryExpression(expression) && passesOperandThrough(tsm, expression.operatorToken.kind)) {
      pending.push(expression.right, expression.left);
    } else if (tsm.isConditionalExpression(expression)) {
      pending.push(expression.whenFalse, expression.whenTrue);
    } else {
      const kind = classifyOperand(facts, expression) ?? classifyAssertion(facts, expression);
      if (kind) return { operand: expression, kind };
    }
  }
  return undefined;
}

function passesOperandThrough(tsm: TypeScriptModule, operator: ts.SyntaxKind): boolean {
  const k = tsm.SyntaxKind;
  return operator === k.CommaToken || operator === k.AmpersandAmpersandToken || operator === k.BarBarToken || operator === k.QuestionQuestionToken;
}

/** `classifyDropped` for one operand: an expression that is not a `,`/`&&`/`||`/`??` chain or a `?:`. */
function classifyOperand(facts: TypeFacts, expression: ts.Expression): FloatingKind | undefined {
  const { ts: tsm, checker } = facts;
  // Assignments store the promise; what happens to it next is the stored-promise check's job.
  if (tsm.isBinaryExpression(expression)) {
    const operator = expression.operatorToken.kind;
    if (operator >= tsm.SyntaxKind.FirstAssignment && operator <= tsm.SyntaxKind.LastAssignment) return undefined;
  }
  if (tsm.isVoidExpression(expression) || tsm.isAwaitExpression(expression)) return undefined;
  // What a `yield` evaluates to is what the generator is resumed with (its next type), and a
  // `yield*` to the delegate's return value: `Generator<T, R, Promise<N>>` hands back a promise.
  if (tsm.isYieldExpression(expression)) return classifyType(facts, checker.getTypeAtLocation(expression));

  if (tsm.isCallExpression(expression)) {
    if (handlesRejection(facts, expression)) return undefined;
    const method = promiseMethodName(tsm, expression);
    if (method === 'finally' || method === 'then') {
      if (!isThenableType(tsm, checker, checker.getTypeAtLocation(expression))) return undefined;
      if (method === 'then') return thenCannotReject(facts, expression) ? undefined : 'floatingThen';
      const receiver = (expression.expression as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
      return classifyDropped(facts, receiver) ? 'floatingFinally' : undefined;
    }
  }

  if (tsm.isCallExpression(expression) && calleeNeverReturnsThenable(facts, expression)) return undefined;
  const kind = classifyType(facts, checker.getTypeAtLocation(expression));
  // Asked only of promises: a helper that catches everything (a logger, analytics) cannot reject.
  return kind === 'floating' && isCallThatCannotReject(facts, expression) ? undefined : kind;
}

function classifyType(facts: TypeFacts, type: ts.Type): FloatingKind | undefined {
  if (isThenableType(facts.ts, facts.checker, type)) return 'floating';
  if (isThenableArrayType(facts.ts, facts.checker, type)) return 'floatingArray';
  return undefined;
}

/**
 * `value as Promise<void>;`, `<Promise<void>>value;`: an assertion can make a value a promise
 * where its operand's own type is not one. Asked only when the operand was not found dropped, of
 * the outermost assertion around it (parentheses, `satisfies` and `!` pass through). An operand
 * that is a promise already is judged by itself: `p.catch(h) as Promise<void>` is handled.
 */
function classifyAssertion(facts: TypeFacts, operand: ts.Expression): FloatingKind | undefined {
  const { ts: tsm, checker } = facts;
  let assertion: ts.AssertionExpression | undefined;
  for (let parent = operand.parent; isOuterExpression(tsm, parent); parent = parent.parent) {
    if (tsm.isAsExpression(parent) || tsm.isTypeAssertionExpression(parent)) assertion = parent;
  }
  if (!assertion) return undefined;
  const asserted = classifyType(facts, checker.getTypeAtLocation(assertion));
  if (!asserted || classifyType(facts, checker.getTypeAtLocation(operand))) return undefined;
  return asserted;
}

/** `safe().then(onDone)`: neither the receiver nor the callback (a function we can read) can reject. */
function thenCannotReject(facts: TypeFacts, call: ts.CallExpression): boolean {
  const tsm = facts.ts;
  const receiver = (call.expression as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
  if (!isCallThatCannotReject(facts, receiver)) return false;
  const callback = call.arguments[0] && skipOuterExpressions(tsm, call.arguments[0]);
  return !callback || isFunctionThatCannotReject(facts, callback);
}



/**
 * True when no signature of the callee can return a thenable, read from the callee's type alone.
 * The call's own type would first resolve it, checking every argument (a route handler's whole
 * body, a component's effect); generic results (`T`) are left to that resolution.
 */
function calleeNeverReturnsThenable(facts: TypeFacts, call: ts.CallExpression): boolean {
  const { ts: tsm, checker } = facts;
  const signatures = checker.getTypeAtLocation(call.expression).getCallSignatures();
  if (signatures.length === 0) return false;
  return signatures.every((signature) => {
    const result = signature.getReturnType();
    if (mayBeInstantiated(tsm, checker, result)) return false;
    return !isThenableType(tsm, checker, result) && !isThenableArrayType(tsm, checker, result);
  });
}

/** A result that depends on the call's type arguments: `T`, `T[]`, `Awaited<T>`, `T extends … ? …`. */
function mayBeInstantiated(tsm: TypeScriptModule, checker: TypeQueries, type: ts.Type): boolean {
  const open = tsm.TypeFlags.TypeParameter | tsm.TypeFlags.IndexedAccess | tsm.TypeFlags.Conditional | tsm.TypeFlags.Substitution;
  return unionParts(type).some((part) => {
    if (part.flags & open) return true;
    if (checker.isArrayType(part) || checker.isTupleType(part)) {
      return checker.getTypeArguments(part as ts.TypeReference).some((element) => mayBeInstantiated(tsm, checker, element));
    }
    return false;
  });
}
