import type ts from 'typescript';
import type { TypeQueries } from '@premortem/core';
import { isThenableArrayType, isThenableType, skipOuterExpressions, unionParts, type TypeScriptModule } from '@premortem/core';
import { isCallThatCannotReject, isFunctionThatCannotReject } from './cannot-reject.js';

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
      const kind = classifyOperand(facts, expression);
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
  if (tsm.isVoidExpression(expression) || tsm.isAwaitExpression(expression) || tsm.isYieldExpression(expression)) {
    return undefined;
  }

  if (tsm.isCallExpression(expression)) {
    const method = promiseMethodName(tsm, expression);
    if (method === 'catch' && isRejectionHandler(tsm, expression.arguments[0])) return undefined;
    if (method === 'then' && isRejectionHandler(tsm, expression.arguments[1])) return undefined;
    if (method === 'finally' || method === 'then') {
      if (!isThenableType(tsm, checker, checker.getTypeAtLocation(expression))) return undefined;
      if (method === 'then') return thenCannotReject(facts, expression) ? undefined : 'floatingThen';
      const receiver = (expression.expression as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
      return classifyDropped(facts, receiver) ? 'floatingFinally' : undefined;
    }
  }

  if (tsm.isCallExpression(expression) && calleeNeverReturnsThenable(facts, expression)) return undefined;
  const type = checker.getTypeAtLocation(expression);
  // Asked only of promises: a helper that catches everything (a logger, analytics) cannot reject.
  if (isThenableType(tsm, checker, type)) return isCallThatCannotReject(facts, expression) ? undefined : 'floating';
  if (isThenableArrayType(tsm, checker, type)) return 'floatingArray';
  return undefined;
}

/** `safe().then(onDone)`: neither the receiver nor the callback (a function we can read) can reject. */
function thenCannotReject(facts: TypeFacts, call: ts.CallExpression): boolean {
  const tsm = facts.ts;
  const receiver = (call.expression as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
  if (!isCallThatCannotReject(facts, receiver)) return false;
  const callback = call.arguments[0] && skipOuterExpressions(tsm, call.arguments[0]);
  return !callback || isFunctionThatCannotReject(facts, callback);
}

function promiseMethodName(tsm: TypeScriptModule, call: ts.CallExpression): 'then' | 'catch' | 'finally' | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  let name: string | undefined;
  if (tsm.isPropertyAccessExpression(callee)) name = callee.name.text;
  else if (tsm.isElementAccessExpression(callee) && tsm.isStringLiteralLike(callee.argumentExpression)) {
    name = callee.argumentExpression.text;
  }
  return name === 'then' || name === 'catch' || name === 'finally' ? name : undefined;
}

/** A present argument that is not `undefined`/`null`: `.catch(undefined)` handles nothing. */
function isRejectionHandler(tsm: TypeScriptModule, argument: ts.Expression | undefined): boolean {
  if (!argument) return false;
  const value = skipOuterExpressions(tsm, argument);
  if (value.kind === tsm.SyntaxKind.NullKeyword) return false;
  if (tsm.isIdentifier(value) && value.text === 'undefined') return false;
  if (tsm.isVoidExpression(value)) return false;
  return true;
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
