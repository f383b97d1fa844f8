import type ts from 'typescript';
import {
  functionOf,
  isAsyncFunction,
  isFunctionLike,
  isThenableType,
  resolveSymbol,
  skipOuterExpressions,
  someNode,
  walkTree,
  type FunctionLike,
  type TypeQueries,
  type TypeScriptModule,
} from '@premortem/core';
import type { TypeFacts } from './classify.js';
import { isPlainValue } from './plain-value.js';
import { handlesRejection, promiseMethodName } from './rejection-handlers.js';

/**
 * Verdicts per function, per Program (the checker is the Program's): a logger called from a
 * hundred places is read once. `undefined` while a function is being judged, so recursion
 * (`poll` scheduling `poll`) counts as "may reject".
 */
const verdicts = new WeakMap<TypeQueries, Map<FunctionLike, boolean | undefined>>();

/**
 * True when the promise a call to `fn` returns cannot reject, judged from its body alone:
 * every `await` and `throw` sits in a `try` whose `catch` (and `finally`) cannot itself throw
 * or reject, and nothing it returns is a promise that can reject. The usual shape of
 * fire-and-forget helpers (loggers, analytics, audit trails) and of a safe async listener. A
 * synchronous throw from a plain call is not counted: it is not what this rule is about.
 */
function cannotReject(facts: TypeFacts, fn: FunctionLike): boolean {
  let cache = verdicts.get(facts.checker);
  if (!cache) verdicts.set(facts.checker, (cache = new Map<FunctionLike, boolean | undefined>()));
  if (cache.has(fn)) return cache.get(fn) ?? false;
  cache.set(fn, undefined);
  const verdict = judge(facts, fn);
  cache.set(fn, verdict);
  return verdict;
}

/**
 * The functions a call runs, when every declaration of its callee is one with a body in the
 * project's own code; undefined when any is a library's, an overload-only signature or unknown.
 */
function calleeFunctions(facts: TypeFacts, call: ts.CallExpression): FunctionLike[] | undefined {
  const tsm = facts.ts;
  const callee = skipOuterExpressions(tsm, call.expression);
  const name = tsm.isIdentifier(callee) ? callee : tsm.isPropertyAccessExpression(callee) ? callee.name : undefined;
  return name ? functionsNamed(facts, name) : undefined;
}

/** The functions `name` (an identifier or a property name) denotes, as `calleeFunctions` reads them. */
function functionsNamed(facts: TypeFacts, name: ts.Node): FunctionLike[] | undefined {
  const { ts: tsm, checker } = facts;
  const declarations = resolveSymbol(tsm, checker, name)?.declarations;
  if (!declarations?.length) return undefined;
  const functions: FunctionLike[] = [];
  for (const declaration of declarations) {
    if (declaration.getSourceFile().isDeclarationFile) return undefined;
    const fn = functionOf(tsm, declaration);
    if (!fn) return undefined;
    // Overload signatures have no body; the implementation is among the declarations.
    if (fn.body) functions.push(fn);
  }
  return functions.length > 0 ? functions : undefined;
}

/** A call whose callee is known and cannot reject: `log(…)` where `log` catches everything. */
export function isCallThatCannotReject(facts: TypeFacts, expression: ts.Expression): boolean {
  const tsm = facts.ts;
  const call = skipOuterExpressions(tsm, expression);
  if (!tsm.isCallExpression(call)) return false;
  const functions = calleeFunctions(facts, call);
  return functions !== undefined && functions.every((fn) => cannotReject(facts, fn));
}

/** A function literal, or a name for functions we can read, that cannot reject (`setInterval(poll)`). */
export function isFunctionThatCannotReject(facts: TypeFacts, value: ts.Expression): boolean {
  const tsm = facts.ts;
  const fn = skipOuterExpressions(tsm, value);
  if (tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) return cannotReject(facts, fn);
  const name = tsm.isIdentifier(fn) ? fn : tsm.isPropertyAccessExpression(fn) ? fn.name : undefined;
  const functions = name ? functionsNamed(facts, name) : undefined;
  return functions !== undefined && functions.every((each) => cannotReject(facts, each));
}

function judge(facts: TypeFacts, fn: FunctionLike): boolean {
  const tsm = facts.ts;
  const body = fn.body;
  // Generators hand their errors to whoever iterates them.
  if (!body || ((tsm.isFunctionDeclaration(fn) || tsm.isFunctionExpression(fn) || tsm.isMethodDeclaration(fn)) && fn.asteriskToken)) return false;
  if (!tsm.isBlock(body)) return returnCannotReject(facts, body);
  const isAsync = isAsyncFunction(tsm, fn);
  let safe = true;
  walkTree(tsm, body, (node) => {
    if (!safe) return 'stop';
    if (node !== body && isFunctionLike(tsm, node)) return 'skip';
    if (tsm.isClassLike(node)) return 'skip';
    if (tsm.isThrowStatement(node)) safe = isCaught(facts, node, body);
    else if (isAsync && tsm.isAwaitExpression(node)) safe = isCallThatCannotReject(facts, node.expression) || isCaught(facts, node, body);
    else if (isAsync && tsm.isForOfStatement(node) && node.awaitModifier) safe = isCaught(facts, node, body);
    else if (tsm.isReturnStatement(node) && node.expression) safe = returnCannotReject(facts, node.expression);
    return undefined;
  });
  return safe;
}

/**
 * Whether a returned value is not a promise that can reject. Returning a promise from inside
 * `try` does not put it under the `catch`: only `return await` does, and the await is judged.
 */
function returnCannotReject(facts: TypeFacts, returned: ts.Expression): boolean {
  const { ts: tsm, checker } = facts;
  const value = skipOuterExpressions(tsm, returned);
  if (tsm.isAwaitExpression(value) || isPlainValue(tsm, value)) return true;
  if (isCallThatCannotReject(facts, value) || isCaughtChain(facts, value)) return true;
  return !isThenableType(tsm, checker, checker.getTypeAtLocation(value));
}

/** `p.catch(handler)` or `p.then(onFulfilled, onRejected)` whose handler does not throw the rejection on. */
function isCaughtChain(facts: TypeFacts, value: ts.Expression): boolean {
  const tsm = facts.ts;
  if (!tsm.isCallExpression(value) || !handlesRejection(facts, value)) return false;
  const handler = skipOuterExpressions(tsm, value.arguments[promiseMethodName(tsm, value) === 'catch' ? 0 : 1]!);
  // `.catch((e) => { throw wrap(e) })` hands the rejection on.
  return !((tsm.isArrowFunction(handler) || tsm.isFunctionExpression(handler)) && throwsDirectly(tsm, handler.body));
}

function throwsDirectly(tsm: TypeScriptModule, body: ts.Node): boolean {
  return someNode(tsm, body, (node) => tsm.isThrowStatement(node), (node) => node !== body && isFunctionLike(tsm, node));
}

/**
 * Whether `node` runs inside the `try` block of a statement, within `limit`, whose `catch`
 * handles it for good: neither the `catch` nor the `finally` block lets a throw or an await
 * escape (a `try` nested in them may catch it in turn).
 */
function isCaught(facts: TypeFacts, node: ts.Node, limit: ts.Block): boolean {
  const tsm = facts.ts;
  for (let child: ts.Node = node, parent = node.parent; parent && child !== limit; child = parent, parent = parent.parent) {
    if (!tsm.isTryStatement(parent) || child !== parent.tryBlock || !parent.catchClause) continue;
    return blockCannotThrow(facts, parent.catchClause.block) && (!parent.finallyBlock || blockCannotThrow(facts, parent.finallyBlock));
  }
  return false;
}

function blockCannotThrow(facts: TypeFacts, block: ts.Block): boolean {
  const tsm = facts.ts;
  let safe = true;
  walkTree(tsm, block, (node) => {
    if (!safe) return 'stop';
    if (isFunctionLike(tsm, node) || tsm.isClassLike(node)) return 'skip';
    const escapes = tsm.isThrowStatement(node) || (tsm.isAwaitExpression(node) && !isCallThatCannotReject(facts, node.expression));
    if (escapes && !isCaught(facts, node, block)) safe = false;
    return undefined;
  });
  return safe;
}
