import type ts from 'typescript';
import {
  isThenableType,
  isVoidReturningFunctionType,
  returnsThenable,
  skipOuterExpressions,
  type TypeScriptModule,
} from '@premortem/core';
import type { TypeFacts } from './classify.js';

/** Globals that call their first argument later and ignore what it returns. */
const TIMER_FUNCTIONS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
/** EventEmitter registration methods; the listener is the second argument. */
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/**
 * True when `argument` is a promise-returning function handed to a callee that ignores its
 * result, so a rejection inside it escapes to the global scope.
 */
export function isMisusedCallback(
  facts: TypeFacts,
  call: ts.CallExpression | ts.NewExpression,
  argument: ts.Expression,
  index: number,
): boolean {
  const { ts: tsm, checker } = facts;
  const fn = skipOuterExpressions(tsm, argument);
  if (!isFunctionValue(tsm, fn)) return false;
  if (!returnsPromise(facts, fn)) return false;
  if ((tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) && cannotReject(tsm, fn)) return false;

  if (isPromiseMethodCall(facts, call)) return false;

  const contextual = checker.getContextualType(argument);
  if (contextual && isVoidReturningFunctionType(tsm, checker, contextual)) return true;
  return isKnownVoidCallbackPosition(facts, call, index, contextual);
}

/** `p.then/catch/finally(cb)`: the promise itself awaits what `cb` returns, despite `() => void` in lib.d.ts. */
function isPromiseMethodCall(facts: TypeFacts, call: ts.CallExpression | ts.NewExpression): boolean {
  const { ts: tsm, checker } = facts;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || !PROMISE_METHODS.has(callee.name.text)) return false;
  return isThenableType(tsm, checker, checker.getTypeAtLocation(callee.expression));
}

function isFunctionValue(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return (
    tsm.isArrowFunction(node) ||
    tsm.isFunctionExpression(node) ||
    tsm.isIdentifier(node) ||
    tsm.isPropertyAccessExpression(node) ||
    (tsm.isCallExpression(node) && isBindCall(tsm, node))
  );
}

function isBindCall(tsm: TypeScriptModule, call: ts.CallExpression): boolean {
  return tsm.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'bind';
}

function returnsPromise(facts: TypeFacts, fn: ts.Expression): boolean {
  const { ts: tsm, checker } = facts;
  // An async literal always returns a promise; no need to ask the checker.
  if ((tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) && hasAsyncModifier(tsm, fn)) return true;
  // Nor to learn that `rows.map((row) => <li>…</li>)` returns markup: its type would need the
  // type of `rows`, which can be a whole tRPC or Prisma inference.
  if ((tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) && !fn.asteriskToken && returnsPlainValues(tsm, fn)) return false;
  return returnsThenable(tsm, checker, checker.getTypeAtLocation(fn));
}

/**
 * True when every value the function returns is, by its syntax alone, not a promise: no
 * `return` with a value, or only markup, literals, arithmetic and object or array literals.
 */
function returnsPlainValues(tsm: TypeScriptModule, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  if (!tsm.isBlock(fn.body)) return isPlainValue(tsm, fn.body);
  let plain = true;
  const visit = (node: ts.Node): void => {
    if (!plain || tsm.isFunctionLike(node) || tsm.isClassLike(node)) return;
    if (tsm.isReturnStatement(node) && node.expression && !isPlainValue(tsm, node.expression)) plain = false;
    else tsm.forEachChild(node, visit);
  };
  tsm.forEachChild(fn.body, visit);
  return plain;
}

function isPlainValue(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const node = skipOuterExpressions(tsm, expression);
  const k = tsm.SyntaxKind;
  switch (node.kind) {
    case k.JsxElement:
    case k.JsxSelfClosingElement:
    case k.JsxFragment:
    case k.StringLiteral:
    case k.NumericLiteral:
    case k.BigIntLiteral:
    case k.NoSubstitutionTemplateLiteral:
    case k.TemplateExpression:
    case k.TrueKeyword:
    case k.FalseKeyword:
    case k.NullKeyword:
    case k.ArrayLiteralExpression:
    case k.PrefixUnaryExpression:
    case k.TypeOfExpression:
    case k.VoidExpression:
      return true;
    case k.ObjectLiteralExpression:
      // `{ then() {} }` is a thenable.
      return !(node as ts.ObjectLiteralExpression).properties.some((p) => p.name !== undefined && tsm.isIdentifier(p.name) && p.name.text === 'then');
    case k.BinaryExpression: {
      const operator = (node as ts.BinaryExpression).operatorToken.kind;
      // `a ?? b`, `a || b`, `a && b`, `a = b` and `a, b` pass an operand through; comparisons and arithmetic do not.
      return ![k.QuestionQuestionToken, k.BarBarToken, k.AmpersandAmpersandToken, k.CommaToken].includes(operator) && !(operator >= k.FirstAssignment && operator <= k.LastAssignment);
    }
    default:
      return false;
  }
}

function hasAsyncModifier(tsm: TypeScriptModule, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  return fn.modifiers?.some((m) => m.kind === tsm.SyntaxKind.AsyncKeyword) ?? false;
}

/**
 * Timers and event listeners by name, for code whose types are missing (no node_modules, as the
 * hosted bot sees a repository) or where the DOM's `TimerHandler` hides the void return.
 */
function isKnownVoidCallbackPosition(
  facts: TypeFacts,
  call: ts.CallExpression | ts.NewExpression,
  index: number,
  contextual: ts.Type | undefined,
): boolean {
  const { ts: tsm, checker } = facts;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isIdentifier(callee) && TIMER_FUNCTIONS.has(callee.text) && index === 0) {
    return isGlobal(facts, callee);
  }
  // `process.nextTick` is typed with `Function`, which hides that the result is ignored.
  if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'nextTick' && index === 0) {
    return isProcessIdentifier(tsm, callee.expression);
  }
  if (tsm.isPropertyAccessExpression(callee) && LISTENER_METHODS.has(callee.name.text) && index === 1) {
    // Only where nothing is known about the parameter: a typed one was already judged.
    if (contextual && !(contextual.flags & tsm.TypeFlags.Any)) return false;
    const receiver = checker.getTypeAtLocation(callee.expression);
    return (receiver.flags & tsm.TypeFlags.Any) !== 0 || isProcessIdentifier(tsm, callee.expression);
  }
  return false;
}

function isGlobal(facts: TypeFacts, identifier: ts.Identifier): boolean {
  const symbol = facts.checker.getSymbolAtLocation(identifier);
  if (!symbol) return true;
  return (symbol.declarations ?? []).every((d) => d.getSourceFile().isDeclarationFile);
}

function isProcessIdentifier(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isIdentifier(node) && node.text === 'process';
}

/**
 * An async body made of one `try … catch` whose handler neither throws nor awaits cannot
 * reject: the usual, correct way to make an async listener safe.
 */
export function cannotReject(tsm: TypeScriptModule, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  const body = fn.body;
  if (!tsm.isBlock(body)) return false;
  const statements = body.statements.filter((s) => !tsm.isEmptyStatement(s));
  const only = statements[0];
  if (statements.length !== 1 || !only || !tsm.isTryStatement(only) || !only.catchClause) return false;
  return !mayThrow(tsm, only.catchClause.block) && !(only.finallyBlock && mayThrow(tsm, only.finallyBlock));
}

function mayThrow(tsm: TypeScriptModule, block: ts.Block): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (tsm.isThrowStatement(node) || tsm.isAwaitExpression(node)) {
      found = true;
      return;
    }
    // A nested function's throws belong to its own callers.
    if (tsm.isFunctionLike(node)) return;
    tsm.forEachChild(node, visit);
  };
  tsm.forEachChild(block, visit);
  return found;
}
