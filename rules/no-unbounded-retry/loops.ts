import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { chainOperands, isFunctionLike, resolveLocalConst, resolveSymbol, skipOuterExpressions, someNode, walkTree, type FunctionLike, type TypeScriptModule } from '@premortem/core';
import type { RetryConstruct } from './construct.js';
import { findWait } from './delays.js';

type Loop = ts.WhileStatement | ts.DoStatement | ts.ForStatement;

/** Declarations followed to find a value: enough for `const MAX = LIMIT` chains, finite on cycles. */
const MAX_HOPS = 5;

export function isLoop(tsm: TypeScriptModule, node: ts.Node): node is Loop {
  return tsm.isWhileStatement(node) || tsm.isDoStatement(node) || tsm.isForStatement(node);
}

/**
 * A loop that catches a failure and goes round again: a `try` in its body whose success leaves
 * the loop (`return`, `break`, a `done` flag) while its `catch` falls through or `continue`s.
 * Pagination, pollers and queue consumers have no such `try`, or do not leave on success.
 */
export function retryLoop(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, loop: Loop): RetryConstruct | undefined {
  const tries = directTries(tsm, loop.statement);
  const attempt = tries.find(
    (statement) =>
      catchRetries(tsm, statement) &&
      (exitsOnSuccess(tsm, statement.tryBlock, loop) ||
        // try { res = await fetch() } catch { continue } … if (res.ok) return …: success leaves after the try.
        (continuesLoop(tsm, statement.catchClause!, loop) && exitsOnSuccess(tsm, loop.statement, loop, statement.catchClause))),
  );
  if (!attempt) return undefined;
  const counter = counterSymbol(tsm, checker, loop);
  // `items[i]` in the attempt: the loop walks a collection, each turn a different call.
  if (counter && indexesWith(tsm, checker, attempt.tryBlock, counter)) return undefined;
  const wait = findWait(tsm, program, checker, loop.statement, counter);
  return {
    node: loop.getFirstToken() ?? loop,
    label: loopLabel(tsm, loop),
    attempts: loopAttempts(tsm, checker, loop),
    delay: wait.delay,
    jitter: wait.jitter,
    handWritten: true,
    ...(attempt.catchClause ? permanentFailure(tsm, attempt.catchClause) : {}),
    attempted: attempt.tryBlock,
  };
}

function loopLabel(tsm: TypeScriptModule, loop: Loop): string {
  if (tsm.isForStatement(loop)) return loop.condition ? `\`for (…; ${loop.condition.getText()}; …)\` loop` : '`for (;;)` loop';
  const condition = loop.expression.getText();
  return tsm.isDoStatement(loop) ? `\`do … while (${condition})\` loop` : `\`while (${condition})\` loop`;
}

/** `try` statements that belong to this loop (not to a nested loop or function). */
function directTries(tsm: TypeScriptModule, body: ts.Node): ts.TryStatement[] {
  const found: ts.TryStatement[] = [];
  walkTree(tsm, body, (node) => {
    if (isFunctionLike(tsm, node) || isLoop(tsm, node) || tsm.isForOfStatement(node) || tsm.isForInStatement(node)) return 'skip';
    if (tsm.isTryStatement(node)) found.push(node);
  });
  return found;
}

function exitsOnSuccess(tsm: TypeScriptModule, block: ts.Node, loop: Loop, except?: ts.Node): boolean {
  const flag = conditionFlag(tsm, loop);
  return someNode(
    tsm,
    block,
    (node) =>
      tsm.isReturnStatement(node) ||
      (tsm.isBreakStatement(node) && !insideInnerLoop(tsm, node, loop)) ||
      (flag !== undefined && tsm.isBinaryExpression(node) && node.operatorToken.kind === tsm.SyntaxKind.EqualsToken && skipOuterExpressions(tsm, node.left).getText() === flag),
    (node) => isFunctionLike(tsm, node) || node === except,
  );
}

/** `while (!done)`, `while (!result)`, `do … while (!ok)`: the flag success sets. */
function conditionFlag(tsm: TypeScriptModule, loop: Loop): string | undefined {
  const condition = tsm.isForStatement(loop) ? loop.condition : loop.expression;
  if (!condition) return undefined;
  return negatedFlag(tsm, condition);
}

function negatedFlag(tsm: TypeScriptModule, condition: ts.Expression): string | undefined {
  for (const value of chainOperands(tsm, condition, tsm.SyntaxKind.AmpersandAmpersandToken)) {
    if (tsm.isPrefixUnaryExpression(value) && value.operator === tsm.SyntaxKind.ExclamationToken) return skipOuterExpressions(tsm, value.operand).getText();
  }
  return undefined;
}

function insideInnerLoop(tsm: TypeScriptModule, node: ts.Node, loop: Loop): boolean {
  for (let current = node.parent; current && current !== loop; current = current.parent) {
    if (isLoop(tsm, current) || tsm.isForOfStatement(current) || tsm.isForInStatement(current) || tsm.isSwitchStatement(current)) return true;
  }
  return false;
}

/** A `continue` of this loop inside the catch. */
function continuesLoop(tsm: TypeScriptModule, clause: ts.CatchClause, loop: Loop): boolean {
  return someNode(tsm, clause.block, (node) => tsm.isContinueStatement(node) && !node.label && !insideInnerLoop(tsm, node, loop), (node) => isFunctionLike(tsm, node));
}

function indexesWith(tsm: TypeScriptModule, checker: TypeQueries, block: ts.Node, counter: ts.Symbol): boolean {
  return someNode(tsm, block, (node) => {
    if (!tsm.isElementAccessExpression(node)) return false;
    const index = skipOuterExpressions(tsm, node.argumentExpression);
    return tsm.isIdentifier(index) && checker.getSymbolAtLocation(index) === counter;
  });
}

/** The catch lets the loop go on: it does not end in an unconditional `throw`, `return` or `break`. */
function catchRetries(tsm: TypeScriptModule, statement: ts.TryStatement): boolean {
  const clause = statement.catchClause;
  if (!clause) return false;
  const last = clause.block.statements.at(-1);
  if (!last) return true;
  return !(tsm.isThrowStatement(last) || tsm.isReturnStatement(last) || tsm.isBreakStatement(last));
}

/** The attempt counter: the `for` variable, or the variable compared in the loop condition. */
function counterSymbol(tsm: TypeScriptModule, checker: TypeQueries, loop: Loop): ts.Symbol | undefined {
  if (tsm.isForStatement(loop) && loop.initializer && tsm.isVariableDeclarationList(loop.initializer)) {
    const name = loop.initializer.declarations[0]?.name;
    if (name && tsm.isIdentifier(name)) return checker.getSymbolAtLocation(name);
  }
  const condition = tsm.isForStatement(loop) ? loop.condition : loop.expression;
  const comparison = condition ? comparisonOf(tsm, condition) : undefined;
  return comparison?.variable ? checker.getSymbolAtLocation(comparison.variable) : undefined;
}

interface Comparison {
  variable: ts.Identifier | undefined;
  limit: number | undefined;
  inclusive: boolean;
}

/** `attempt < 3`, `3 > attempt`, `attempt++ < MAX`, `retries-- > 0`, `attempt <= max`. */
function comparisonOf(tsm: TypeScriptModule, expression: ts.Expression): Comparison | undefined {
  for (const operand of chainOperands(tsm, expression, tsm.SyntaxKind.AmpersandAmpersandToken)) {
    const comparison = simpleComparisonOf(tsm, operand);
    if (comparison) return comparison;
  }
  return undefined;
}

/** `comparisonOf` for one operand of a `&&` chain. */
function simpleComparisonOf(tsm: TypeScriptModule, value: ts.Expression): Comparison | undefined {
  if (!tsm.isBinaryExpression(value)) return undefined;
  const op = value.operatorToken.kind;
  const k = tsm.SyntaxKind;
  if (![k.LessThanToken, k.LessThanEqualsToken, k.GreaterThanToken, k.GreaterThanEqualsToken].includes(op)) return undefined;
  const left = numberOf(tsm, value.left);
  const right = numberOf(tsm, value.right);
  const variable = identifierIn(tsm, left === undefined ? value.left : value.right);
  const limit = right ?? left;
  return { variable, limit, inclusive: op === k.LessThanEqualsToken || op === k.GreaterThanEqualsToken };
}

function identifierIn(tsm: TypeScriptModule, expression: ts.Expression): ts.Identifier | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isIdentifier(value)) return value;
  if ((tsm.isPostfixUnaryExpression(value) || tsm.isPrefixUnaryExpression(value)) && tsm.isIdentifier(value.operand)) return value.operand;
  if (tsm.isPropertyAccessExpression(value) && tsm.isIdentifier(value.name)) return value.name;
  return undefined;
}

/**
 * A number the code spells: a literal, a `const`, a parameter default; Infinity for `Infinity`.
 * Follows at most `MAX_HOPS` declarations: `var a = b; var b = a;` is valid, and endless.
 */
export function numberOf(tsm: TypeScriptModule, expression: ts.Expression, checker?: TypeQueries, hops = 0): number | undefined {
  const value = resolveLocalConst(tsm, expression) ?? skipOuterExpressions(tsm, expression);
  if (tsm.isNumericLiteral(value)) return Number(value.text.replace(/_/g, ''));
  if (tsm.isIdentifier(value) && value.text === 'Infinity') return Infinity;
  if (tsm.isPropertyAccessExpression(value) && value.getText() === 'Number.POSITIVE_INFINITY') return Infinity;
  if (tsm.isPrefixUnaryExpression(value) && value.operator === tsm.SyntaxKind.MinusToken) {
    const inner = numberOf(tsm, value.operand, checker, hops);
    return inner === undefined ? undefined : -inner;
  }
  if (checker && tsm.isIdentifier(value)) {
    const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
    if (hops < MAX_HOPS && declaration && (tsm.isVariableDeclaration(declaration) || tsm.isParameter(declaration)) && declaration.initializer && declaration.initializer !== expression) {
      return numberOf(tsm, declaration.initializer, checker, hops + 1);
    }
  }
  return undefined;
}

/**
 * Attempts a loop allows: from its condition (`attempt < 3`), or from a guard that leaves it
 * (`if (attempt >= MAX) throw …`). Infinity for `while (true)` with no guard; undefined when
 * the bound is a value computed at run time.
 */
function loopAttempts(tsm: TypeScriptModule, checker: TypeQueries, loop: Loop): number | undefined {
  const condition = tsm.isForStatement(loop) ? loop.condition : loop.expression;
  const comparison = condition ? comparisonOf(tsm, condition) : undefined;
  if (comparison) {
    const limit = comparison.limit ?? boundOf(tsm, checker, condition!);
    if (limit === undefined) return undefined;
    const start = tsm.isForStatement(loop) ? initialValue(tsm, loop) : 0;
    return Math.max(1, limit - start + (comparison.inclusive ? 1 : 0));
  }
  const guard = exitGuard(tsm, checker, loop.statement);
  if (guard !== null) return guard;
  const always = !condition || isTrue(tsm, condition) || conditionFlag(tsm, loop) !== undefined;
  return always ? Infinity : undefined;
}

function boundOf(tsm: TypeScriptModule, checker: TypeQueries, condition: ts.Expression): number | undefined {
  const value = skipOuterExpressions(tsm, condition);
  if (!tsm.isBinaryExpression(value)) return undefined;
  return numberOf(tsm, value.right, checker) ?? numberOf(tsm, value.left, checker);
}

function initialValue(tsm: TypeScriptModule, loop: ts.ForStatement): number {
  const initializer = loop.initializer;
  if (initializer && tsm.isVariableDeclarationList(initializer)) {
    const value = initializer.declarations[0]?.initializer;
    const number = value ? numberOf(tsm, value) : undefined;
    if (number !== undefined) return number;
  }
  return 0;
}

function isTrue(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, expression);
  return value.kind === tsm.SyntaxKind.TrueKeyword || (tsm.isNumericLiteral(value) && value.text !== '0');
}

/**
 * `if (attempt >= 5) throw err;` (or `return`/`break`) in the loop body: the attempts it allows.
 * null when there is no such guard; undefined when its limit is computed.
 */
function exitGuard(tsm: TypeScriptModule, checker: TypeQueries, body: ts.Node): number | undefined | null {
  let result: number | undefined | null = null;
  walkTree(tsm, body, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    if (tsm.isIfStatement(node) && leaves(tsm, node.thenStatement)) {
      const guard = leavingComparison(tsm, node.expression);
      if (guard) {
        const limit = guard.comparison.limit ?? boundOf(tsm, checker, guard.test);
        result = limit === undefined ? undefined : limit + (guard.comparison.inclusive ? 0 : 1);
        return 'stop';
      }
    }
  });
  return result;
}

/** `if (giveUp || attempt >= max) throw …`: any disjunct that holds leaves, so a comparison among them bounds the loop. */
function leavingComparison(tsm: TypeScriptModule, expression: ts.Expression): { test: ts.Expression; comparison: Comparison } | undefined {
  for (const test of chainOperands(tsm, expression, tsm.SyntaxKind.BarBarToken)) {
    const comparison = comparisonOf(tsm, test);
    if (comparison) return { test, comparison };
  }
  return undefined;
}

function leaves(tsm: TypeScriptModule, statement: ts.Statement): boolean {
  if (tsm.isThrowStatement(statement) || tsm.isReturnStatement(statement) || tsm.isBreakStatement(statement)) return true;
  return tsm.isBlock(statement) && statement.statements.some((s) => tsm.isThrowStatement(s) || tsm.isReturnStatement(s) || tsm.isBreakStatement(s));
}

/** `if (status === 401) continue;` in a catch: a failure that cannot succeed, retried. */
function permanentFailure(tsm: TypeScriptModule, clause: ts.CatchClause): { permanentFailure?: ts.Node } {
  let found: ts.Node | undefined;
  walkTree(tsm, clause.block, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    if (tsm.isIfStatement(node) && !leaves(tsm, node.thenStatement)) {
      const codes = statusCodes(tsm, node.expression);
      if (codes.some((code) => code >= 400 && code < 500 && code !== 408 && code !== 429)) {
        found = node.expression;
        return 'stop';
      }
    }
  });
  return found ? { permanentFailure: found } : {};
}

function statusCodes(tsm: TypeScriptModule, condition: ts.Expression): number[] {
  const codes: number[] = [];
  walkTree(tsm, condition, (node) => {
    if (tsm.isBinaryExpression(node) && /status/i.test(node.left.getText()) && tsm.isNumericLiteral(skipOuterExpressions(tsm, node.right))) {
      codes.push(Number((skipOuterExpressions(tsm, node.right) as ts.NumericLiteral).text));
    }
  });
  return codes;
}

/**
 * A function that calls itself again after a failure: from its `catch` block or a `.catch`
 * handler. Bounded when the call sits under a condition on one of its parameters.
 */
export function retryRecursion(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, call: ts.CallExpression): RetryConstruct | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isIdentifier(callee)) return undefined;
  // Most calls sit in no catch block at all: settled before the callee is resolved.
  if (!failureHandler(tsm, call, undefined)) return undefined;
  const target = resolveSymbol(tsm, checker, callee)?.valueDeclaration;
  const fn = target ? functionOfDeclaration(tsm, target) : undefined;
  if (!fn || !contains(fn, call)) return undefined;
  const handler = failureHandler(tsm, call, fn);
  if (!handler) return undefined;
  const parameters = new Set(fn.parameters.flatMap((p) => (tsm.isIdentifier(p.name) ? [checker.getSymbolAtLocation(p.name)] : [])));
  const guard = guardingCondition(tsm, checker, call, fn, parameters);
  const wait = findWait(tsm, program, checker, handler, undefined);
  return {
    node: call,
    label: `\`${callee.text}()\` calling itself after a failure`,
    attempts: guard === null ? Infinity : guard,
    delay: wait.delay,
    jitter: wait.jitter,
    handWritten: true,
    attempted: fn,
  };
}

function functionOfDeclaration(tsm: TypeScriptModule, declaration: ts.Node): FunctionLike | undefined {
  if (isFunctionLike(tsm, declaration)) return declaration;
  if (tsm.isVariableDeclaration(declaration) && declaration.initializer) {
    const value = skipOuterExpressions(tsm, declaration.initializer);
    if (isFunctionLike(tsm, value)) return value;
  }
  return undefined;
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end && inner.getSourceFile() === outer.getSourceFile();
}

/** The catch block or `.catch(handler)` the recursive call sits in, inside `fn` (anywhere when undefined). */
function failureHandler(tsm: TypeScriptModule, call: ts.Node, fn: FunctionLike | undefined): ts.Node | undefined {
  for (let current = call.parent; current && current !== fn; current = current.parent) {
    if (tsm.isCatchClause(current)) return current.block;
    if (isFunctionLike(tsm, current) && tsm.isCallExpression(current.parent)) {
      const callee = skipOuterExpressions(tsm, current.parent.expression);
      if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'catch') return current;
      if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'then' && current.parent.arguments[1] === current) return current;
    }
  }
  return undefined;
}

/**
 * The attempts a condition on the function's parameters allows (`if (attempt < 3)`,
 * `if (retries > 0)`, a guard `if (attempt >= 3) throw` earlier): null when nothing limits it.
 */
function guardingCondition(tsm: TypeScriptModule, checker: TypeQueries, call: ts.Node, fn: FunctionLike, parameters: Set<ts.Symbol | undefined>): number | undefined | null {
  const mentionsParameter = (expression: ts.Node): boolean => someNode(tsm, expression, (node) => tsm.isIdentifier(node) && parameters.has(checker.getSymbolAtLocation(node)));
  const limitOf = (condition: ts.Expression): number | undefined => {
    const comparison = comparisonOf(tsm, condition);
    if (!comparison) return undefined;
    const declaration = comparison.variable ? resolveSymbol(tsm, checker, comparison.variable)?.valueDeclaration : undefined;
    const start = declaration && tsm.isParameter(declaration) && declaration.initializer ? (numberOf(tsm, declaration.initializer) ?? 0) : 0;
    const limit = comparison.limit ?? boundOf(tsm, checker, condition);
    if (limit === undefined) return undefined;
    // retries > 0 counting down from a default: that many retries plus the first attempt.
    if (start > limit) return start - limit + 1;
    return Math.max(1, limit - start + 1);
  };
  for (let current: ts.Node = call; current !== fn; current = current.parent) {
    const parent = current.parent;
    if (tsm.isIfStatement(parent) && parent.expression !== current && mentionsParameter(parent.expression)) return limitOf(parent.expression);
    if (tsm.isConditionalExpression(parent) && parent.condition !== current && mentionsParameter(parent.condition)) return limitOf(parent.condition);
    if (tsm.isBinaryExpression(parent) && parent.right === current && mentionsParameter(parent.left)) return limitOf(parent.left);
    if (tsm.isBlock(parent) || tsm.isSourceFile(parent)) {
      for (const statement of parent.statements) {
        if (statement.pos >= current.pos) break;
        if (tsm.isIfStatement(statement) && leaves(tsm, statement.thenStatement) && mentionsParameter(statement.expression)) return limitOf(statement.expression);
      }
    }
  }
  return null;
}
