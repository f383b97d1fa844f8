import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { chainOperands, isFunctionLike, resolveSymbol, skipOuterExpressions, someNode, walkTree, type FunctionLike, type TypeScriptModule } from '@premortem/core';
import type { RetryConstruct } from './construct.js';
import { findWait, isWait } from './delays.js';
import { isConflictRetry, isFailedStatusCheck, isOkCheck, isOutcomeCheck, isResultCheck, isTimeBudget, recordsFailure } from './evidence.js';
import { numberOf } from './values.js';

type Loop = ts.WhileStatement | ts.DoStatement | ts.ForStatement;

export function isLoop(tsm: TypeScriptModule, node: ts.Node): node is Loop {
  return tsm.isWhileStatement(node) || tsm.isDoStatement(node) || tsm.isForStatement(node);
}

/**
 * A loop that catches a failure and goes round again: a `try` in its body whose success leaves
 * the loop (`return`, `break`, a `done` flag) while its `catch` falls through or `continue`s, or a
 * `catch` that `continue`s while success leaves after the `try`. Pagination, queue consumers and
 * scans have no such `try`, or do not leave on success; a poll leaves only once the data it waits
 * for is there (`if (rows.length === 1) return`), so success without it goes round as well.
 */
export function retryLoop(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, loop: Loop): RetryConstruct | undefined {
  const tries = directTries(tsm, loop.statement);
  const attempt = tries.find((statement) => isRetryAttempt(tsm, statement, loop));
  if (!attempt) return undefined;
  const counter = counterSymbol(tsm, checker, loop);
  // `items[i]` in the body, or `i < items.length`: the loop walks a collection (fallback models,
  // candidate queries, mirrors), each turn a different operation.
  if (counter && (indexesWith(tsm, checker, loop.statement, counter) || walksCollection(tsm, loop))) return undefined;
  const bound = loopBound(tsm, checker, loop);
  const wait = findWait(tsm, program, checker, loop.statement, countersOf(tsm, checker, loop, counter));
  return {
    node: loop.getFirstToken() ?? loop,
    label: loopLabel(tsm, loop),
    attempts: bound.attempts,
    ...(bound.text ? { bound: bound.text } : {}),
    ...(bound.deadline ? { deadline: true } : {}),
    delay: wait.delay,
    ...(wait.growth ? { growth: wait.growth } : {}),
    jitter: wait.jitter,
    ...(wait.text ? { wait: wait.text } : {}),
    handWritten: true,
    ...(attempt.catchClause ? permanentFailure(tsm, attempt.catchClause) : {}),
    ...(isConflictRetry(tsm, checker, attempt.catchClause?.block, attempt.tryBlock) ? { conflict: true } : {}),
    attempted: attempt.tryBlock,
  };
}

function isRetryAttempt(tsm: TypeScriptModule, statement: ts.TryStatement, loop: Loop): boolean {
  const clause = statement.catchClause;
  if (!clause || !catchRetries(tsm, clause, loop)) return false;
  const polls = waitsBeforeAttempt(tsm, statement, loop);
  if (exitsOnSuccess(tsm, statement.tryBlock, loop)) return !successGoesRound(tsm, statement.tryBlock.statements, loop, polls);
  // try { res = await fetch() } catch { continue } … if (res.ok) return …: success leaves after the try.
  if (!continuesLoop(tsm, clause, loop) || !exitsOnSuccess(tsm, loop.statement, loop, clause)) return false;
  return !successGoesRound(tsm, statementsAfter(tsm, statement, loop), loop, polls);
}

/**
 * `for (…) { await sleep(INTERVAL); try { … } }`: the loop waits before every attempt, the first
 * one included, as a poll does; a retry has nothing to wait for before it first tries.
 */
function waitsBeforeAttempt(tsm: TypeScriptModule, attempt: ts.TryStatement, loop: Loop): boolean {
  const body = loop.statement;
  const before = tsm.isBlock(body) ? body.statements.slice(0, Math.max(0, body.statements.indexOf(attempt))) : [];
  const first = attempt.tryBlock.statements[0];
  return [...before, ...(first ? [first] : [])].some((statement) => tsm.isExpressionStatement(statement) && isWait(tsm, statement.expression));
}

/** The statements of the loop body after `statement`, when it sits directly in the body. */
function statementsAfter(tsm: TypeScriptModule, statement: ts.Statement, loop: Loop): readonly ts.Statement[] {
  const body = loop.statement;
  if (!tsm.isBlock(body)) return [];
  const index = body.statements.indexOf(statement);
  return index < 0 ? [] : body.statements.slice(index + 1);
}

/**
 * Whether an attempt that did not fail can still go round: no statement leaves unconditionally,
 * and the conditions that leave test the data (`rows.length === 1`), not the outcome (`res.ok`,
 * `result.error`, or, when the loop does not wait before its first attempt, a result that is
 * there at all), with no error recorded on the way round. That is a poll waiting for something
 * to appear, not a retry.
 */
function successGoesRound(tsm: TypeScriptModule, statements: readonly ts.Statement[], loop: Loop, polls: boolean): boolean {
  const flag = conditionFlag(tsm, loop);
  if (statements.some((statement) => leavesHere(tsm, statement, loop, flag))) return false;
  const exits: ts.IfStatement[] = [];
  const rest: ts.Statement[] = [];
  for (const statement of statements) {
    walkTree(tsm, statement, (node) => {
      if (isFunctionLike(tsm, node) || isLoop(tsm, node) || tsm.isForOfStatement(node) || tsm.isForInStatement(node)) return 'skip';
      if (tsm.isIfStatement(node) && leavesHere(tsm, node.thenStatement, loop, flag)) {
        exits.push(node);
        return 'skip';
      }
    });
    if (!(tsm.isIfStatement(statement) && exits.includes(statement))) rest.push(statement);
  }
  if (exits.length === 0) return false;
  // Leaving once there is a result (`if (token) return token`) makes an empty result a failure,
  // unless the loop waits before it first tries: then it polls for the result to appear.
  if (exits.some((exit) => isOutcomeCheck(tsm, exit.expression) || (!polls && isResultCheck(tsm, exit.expression)))) return false;
  return !recordsFailure(tsm, rest);
}

/** `return`, `throw`, `break` of this loop, or setting the loop's flag; a block ending in one. */
function leavesHere(tsm: TypeScriptModule, statement: ts.Statement, loop: Loop, flag: string | undefined): boolean {
  if (tsm.isReturnStatement(statement) || tsm.isThrowStatement(statement)) return true;
  if (tsm.isBreakStatement(statement)) return !statement.label && !insideInnerLoop(tsm, statement, loop);
  if (tsm.isExpressionStatement(statement) && flag !== undefined) {
    const expression = skipOuterExpressions(tsm, statement.expression);
    return tsm.isBinaryExpression(expression) && expression.operatorToken.kind === tsm.SyntaxKind.EqualsToken && skipOuterExpressions(tsm, expression.left).getText() === flag;
  }
  if (tsm.isBlock(statement)) return statement.statements.some((inner) => leavesHere(tsm, inner, loop, flag));
  return false;
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

/** `i < items.length`, `i < names.size`: the loop's condition follows a collection. */
function walksCollection(tsm: TypeScriptModule, loop: Loop): boolean {
  const condition = loopCondition(tsm, loop);
  if (!condition) return false;
  return chainOperands(tsm, condition, tsm.SyntaxKind.AmpersandAmpersandToken).some((operand) => {
    const comparison = simpleComparisonOf(tsm, operand);
    const limit = comparison ? skipOuterExpressions(tsm, comparison.limitSide) : undefined;
    return limit !== undefined && tsm.isPropertyAccessExpression(limit) && (limit.name.text === 'length' || limit.name.text === 'size');
  });
}

function indexesWith(tsm: TypeScriptModule, checker: TypeQueries, block: ts.Node, counter: ts.Symbol): boolean {
  return someNode(tsm, block, (node) => {
    if (!tsm.isElementAccessExpression(node)) return false;
    const index = skipOuterExpressions(tsm, node.argumentExpression);
    return tsm.isIdentifier(index) && checker.getSymbolAtLocation(index) === counter;
  });
}

/**
 * The catch lets the loop go on: it does not end in an unconditional `throw`, `return` or
 * `break`, or it `continue`s the loop on some path (`if (attempt < max) { …; continue } throw err`).
 */
function catchRetries(tsm: TypeScriptModule, clause: ts.CatchClause, loop: Loop): boolean {
  const last = clause.block.statements.at(-1);
  if (!last) return true;
  if (!(tsm.isThrowStatement(last) || tsm.isReturnStatement(last) || tsm.isBreakStatement(last))) return true;
  return continuesLoop(tsm, clause, loop);
}

/** The attempt counter: the `for` variable, or the variable compared in the loop condition. */
function counterSymbol(tsm: TypeScriptModule, checker: TypeQueries, loop: Loop): ts.Symbol | undefined {
  if (tsm.isForStatement(loop) && loop.initializer && tsm.isVariableDeclarationList(loop.initializer)) {
    const name = loop.initializer.declarations[0]?.name;
    if (name && tsm.isIdentifier(name)) return checker.getSymbolAtLocation(name);
  }
  const condition = loopCondition(tsm, loop);
  const comparison = condition ? comparisonOf(tsm, condition) : undefined;
  return comparison?.variable ? checker.getSymbolAtLocation(comparison.variable) : undefined;
}

/** Every variable the loop counts with: the attempt counter and whatever it steps (`attempt++`, `retries -= 1`). */
function countersOf(tsm: TypeScriptModule, checker: TypeQueries, loop: Loop, counter: ts.Symbol | undefined): Set<ts.Symbol> {
  const counters = new Set<ts.Symbol>(counter ? [counter] : []);
  walkTree(tsm, loop, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    const target = steppedTarget(tsm, node);
    const symbol = target && tsm.isIdentifier(target) ? checker.getSymbolAtLocation(target) : undefined;
    if (symbol) counters.add(symbol);
  });
  return counters;
}

/** What `x++`, `--x`, `x += 1`, `x -= 1` steps. */
function steppedTarget(tsm: TypeScriptModule, node: ts.Node): ts.Expression | undefined {
  const k = tsm.SyntaxKind;
  if ((tsm.isPostfixUnaryExpression(node) || tsm.isPrefixUnaryExpression(node)) && (node.operator === k.PlusPlusToken || node.operator === k.MinusMinusToken)) {
    return skipOuterExpressions(tsm, node.operand);
  }
  if (tsm.isBinaryExpression(node) && (node.operatorToken.kind === k.PlusEqualsToken || node.operatorToken.kind === k.MinusEqualsToken)) {
    return skipOuterExpressions(tsm, node.left);
  }
  return undefined;
}

/** Whether the loop steps or reassigns `subject` (spelled the same way): a count, not a value it only reads. */
function isCountedIn(tsm: TypeScriptModule, loop: Loop, subject: ts.Expression): boolean {
  const text = subject.getText();
  return someNode(
    tsm,
    loop,
    (node) => {
      const stepped = steppedTarget(tsm, node);
      if (stepped) return stepped.getText() === text;
      return tsm.isBinaryExpression(node) && node.operatorToken.kind === tsm.SyntaxKind.EqualsToken && skipOuterExpressions(tsm, node.left).getText() === text;
    },
    (node) => isFunctionLike(tsm, node),
  );
}

function loopCondition(tsm: TypeScriptModule, loop: Loop): ts.Expression | undefined {
  return tsm.isForStatement(loop) ? loop.condition : loop.expression;
}

interface Comparison {
  /** The compared side that is not a number the code spells: `attempt`, `this.retries`. */
  subject: ts.Expression;
  variable: ts.Identifier | undefined;
  limit: number | undefined;
  inclusive: boolean;
  /** The other side: the limit, when the code computes it. */
  limitSide: ts.Expression;
  /** `retries > 0`: the subject counts down towards the limit. */
  down: boolean;
  /** The operand of the condition that holds the comparison. */
  test: ts.Expression;
}

/** `attempt < 3`, `3 > attempt`, `attempt++ < MAX`, `retries-- > 0`, `attempt <= max`. */
function comparisonOf(tsm: TypeScriptModule, expression: ts.Expression, accept: (comparison: Comparison) => boolean = () => true): Comparison | undefined {
  for (const operand of chainOperands(tsm, expression, tsm.SyntaxKind.AmpersandAmpersandToken)) {
    const comparison = simpleComparisonOf(tsm, operand);
    if (comparison && accept(comparison)) return comparison;
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
  const side = left === undefined ? value.left : value.right;
  const variable = identifierIn(tsm, side);
  const limit = right ?? left;
  const stepped = skipOuterExpressions(tsm, side);
  const subject = tsm.isPostfixUnaryExpression(stepped) || tsm.isPrefixUnaryExpression(stepped) ? skipOuterExpressions(tsm, stepped.operand) : stepped;
  const greater = op === k.GreaterThanToken || op === k.GreaterThanEqualsToken;
  return {
    subject,
    variable,
    limit,
    inclusive: op === k.LessThanEqualsToken || op === k.GreaterThanEqualsToken,
    limitSide: side === value.left ? value.right : value.left,
    down: side === value.left ? greater : !greater,
    test: value,
  };
}

function identifierIn(tsm: TypeScriptModule, expression: ts.Expression): ts.Identifier | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isIdentifier(value)) return value;
  if ((tsm.isPostfixUnaryExpression(value) || tsm.isPrefixUnaryExpression(value)) && tsm.isIdentifier(value.operand)) return value.operand;
  if (tsm.isPropertyAccessExpression(value) && tsm.isIdentifier(value.name)) return value.name;
  return undefined;
}

interface Bound {
  /** Total attempts; Infinity when nothing stops the loop; undefined when a run-time value does. */
  attempts: number | undefined;
  /** The condition that bounds it, when its value is computed at run time. */
  text?: string;
  /** Bounded by elapsed time (`Date.now() < deadline`) rather than by a count. */
  deadline?: boolean;
}

/**
 * Attempts a loop allows: from a count in its condition (`attempt < 3`), from a guard that leaves
 * it (`if (attempt >= MAX) throw …`) or one that alone goes round (`if (attempt < MAX) continue;
 * throw err`), or from a time budget. Infinity for `while (true)` with no guard.
 */
function loopBound(tsm: TypeScriptModule, checker: TypeQueries, loop: Loop): Bound {
  const condition = loopCondition(tsm, loop);
  if (condition && isTimeBudget(tsm, condition)) return { attempts: undefined, text: condition.getText(), deadline: true };
  const comparison = condition ? comparisonOf(tsm, condition, (c) => isCountedIn(tsm, loop, c.subject)) : undefined;
  if (comparison) {
    const limit = comparison.limit ?? numberOf(tsm, comparison.limitSide, checker);
    const start = tsm.isForStatement(loop) ? initialValue(tsm, checker, loop) : numberOf(tsm, comparison.subject, checker);
    const extra = comparison.inclusive ? 1 : 0;
    // `while (retries-- > 0)` counts down from where it starts; `attempt < 3` up from 0 (or its start).
    const attempts = limit === undefined ? undefined : comparison.down ? (start === undefined ? undefined : start - limit + extra) : limit - (start ?? 0) + extra;
    // Unknown: named by what it depends on (`maxRetries`, or `retries` counting down from a caller's value).
    if (attempts === undefined) return { attempts: undefined, text: (limit === undefined ? comparison.limitSide : comparison.subject).getText() };
    return { attempts: Math.max(1, attempts) };
  }
  const guard = exitGuard(tsm, checker, loop);
  if (guard) return guard;
  const always = !condition || isTrue(tsm, condition) || conditionFlag(tsm, loop) !== undefined;
  return always ? { attempts: Infinity } : { attempts: undefined, text: condition.getText() };
}

function initialValue(tsm: TypeScriptModule, checker: TypeQueries, loop: ts.ForStatement): number | undefined {
  const initializer = loop.initializer;
  if (initializer && tsm.isVariableDeclarationList(initializer)) {
    const value = initializer.declarations[0]?.initializer;
    return value ? numberOf(tsm, value, checker) : undefined;
  }
  return undefined;
}

function isTrue(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, expression);
  return value.kind === tsm.SyntaxKind.TrueKeyword || (tsm.isNumericLiteral(value) && value.text !== '0');
}

/**
 * The first guard in the loop body that bounds it: `if (attempt >= 5) throw err;` (or `return`/
 * `break`), `if (attempt < 5) { await sleep(…); continue; } throw err;`, or either on elapsed time.
 * Comparisons of values the loop does not count (`if (res.status >= 500) throw`) are no bound.
 */
function exitGuard(tsm: TypeScriptModule, checker: TypeQueries, loop: Loop): Bound | undefined {
  let result: Bound | undefined;
  const counted = (comparison: Comparison) => isCountedIn(tsm, loop, comparison.subject);
  const bound = (guard: Comparison, extra: number): Bound => {
    const limit = guard.limit ?? numberOf(tsm, guard.limitSide, checker);
    return limit === undefined ? { attempts: undefined, text: guard.limitSide.getText() } : { attempts: limit + extra };
  };
  walkTree(tsm, loop.statement, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    if (!tsm.isIfStatement(node)) return;
    if (leaves(tsm, node.thenStatement)) {
      if (chainOperands(tsm, node.expression, tsm.SyntaxKind.BarBarToken).some((test) => isTimeBudget(tsm, test))) {
        result = { attempts: undefined, text: node.expression.getText(), deadline: true };
        return 'stop';
      }
      const guard = leavingComparison(tsm, node.expression, counted);
      if (guard) {
        result = bound(guard, guard.inclusive ? 0 : 1);
        return 'stop';
      }
    } else if (goesRoundOnlyHere(tsm, node, loop)) {
      // `if (attempt < max) { …; continue } throw err`: the loop goes on while the comparison holds.
      if (isTimeBudget(tsm, node.expression)) {
        result = { attempts: undefined, text: node.expression.getText(), deadline: true };
        return 'stop';
      }
      const guard = comparisonOf(tsm, node.expression, counted);
      if (guard) {
        result = bound(guard, guard.inclusive ? 1 : 0);
        return 'stop';
      }
    }
  });
  return result;
}

/** An `if` whose branch `continue`s the loop while what follows it (or its `else`) leaves. */
function goesRoundOnlyHere(tsm: TypeScriptModule, statement: ts.IfStatement, loop: Loop): boolean {
  const then = statement.thenStatement;
  const last = tsm.isBlock(then) ? then.statements.at(-1) : then;
  if (!last || !tsm.isContinueStatement(last) || last.label || insideInnerLoop(tsm, last, loop)) return false;
  if (statement.elseStatement) return leaves(tsm, statement.elseStatement);
  const block = statement.parent;
  if (!tsm.isBlock(block)) return false;
  const next = block.statements[block.statements.indexOf(statement) + 1];
  return next !== undefined && leaves(tsm, next);
}

/** `if (giveUp || attempt >= max) throw …`: any disjunct that holds leaves, so a counted comparison among them bounds the loop. */
function leavingComparison(tsm: TypeScriptModule, expression: ts.Expression, accept: (comparison: Comparison) => boolean): Comparison | undefined {
  for (const test of chainOperands(tsm, expression, tsm.SyntaxKind.BarBarToken)) {
    const comparison = comparisonOf(tsm, test, accept);
    if (comparison) return comparison;
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
 * A function that calls itself again after a failure: from its `catch` block, a `.catch`
 * handler, or the branch of a failed response (`if (!res.ok) return f(n + 1)`, or after
 * `if (res.ok) return …`). Bounded when the call sits under a condition on one of its parameters.
 */
export function retryRecursion(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, call: ts.CallExpression): RetryConstruct | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isIdentifier(callee)) return undefined;
  // Most calls neither name a function they sit in nor sit in a catch block or failure branch:
  // settled by syntax before the callee is resolved.
  if (!namesEnclosingFunction(tsm, call, callee.text)) return undefined;
  if (!failureHandler(tsm, call, undefined) && !failedResponseBranch(tsm, call, undefined)) return undefined;
  const target = resolveSymbol(tsm, checker, callee)?.valueDeclaration;
  const fn = target ? functionOfDeclaration(tsm, target) : undefined;
  if (!fn || !contains(fn, call)) return undefined;
  const caught = failureHandler(tsm, call, fn);
  const handler = caught ?? failedResponseBranch(tsm, call, fn);
  if (!handler || !repeatsSameOperation(tsm, checker, call, fn)) return undefined;
  const parameters = new Set(fn.parameters.flatMap((p) => (tsm.isIdentifier(p.name) ? [checker.getSymbolAtLocation(p.name)] : [])));
  const guard = guardingCondition(tsm, checker, call, fn, parameters);
  const wait = findWait(tsm, program, checker, handler, new Set());
  return {
    node: call,
    label: `\`${callee.text}()\` calling itself after ${caught ? 'a failure' : 'a failed response'}`,
    attempts: guard === null ? Infinity : guard.attempts,
    ...(guard?.text ? { bound: guard.text } : {}),
    delay: wait.delay,
    ...(wait.growth ? { growth: wait.growth } : {}),
    jitter: wait.jitter,
    ...(wait.text ? { wait: wait.text } : {}),
    handWritten: true,
    ...(isConflictRetry(tsm, checker, caught, undefined) ? { conflict: true } : {}),
    attempted: fn,
  };
}

/** Whether a function around `node` is declared under `name` (`function f`, `const f = () =>`, a method `f`). */
function namesEnclosingFunction(tsm: TypeScriptModule, node: ts.Node, name: string): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (!isFunctionLike(tsm, current)) continue;
    const own = current.name;
    if (own && tsm.isIdentifier(own) && own.text === name) return true;
    const holder = current.parent;
    if ((tsm.isVariableDeclaration(holder) || tsm.isPropertyAssignment(holder)) && tsm.isIdentifier(holder.name) && holder.name.text === name) return true;
  }
  return false;
}

/**
 * The branch a recursive call sits in when a response failed: `if (!res.ok) { … }`,
 * `if ([502, 503].includes(res.status)) { … }`, or the rest of a block after `if (res.ok) return …`.
 */
function failedResponseBranch(tsm: TypeScriptModule, call: ts.Node, fn: FunctionLike | undefined): ts.Node | undefined {
  for (let current: ts.Node = call; current.parent && current !== fn; current = current.parent) {
    const parent = current.parent;
    if (tsm.isIfStatement(parent) && parent.thenStatement === current && isFailedStatusCheck(tsm, parent.expression)) return current;
    if (tsm.isBlock(parent)) {
      for (const statement of parent.statements) {
        if (statement === current) break;
        if (tsm.isIfStatement(statement) && leaves(tsm, statement.thenStatement) && isOkCheck(tsm, statement.expression)) return parent;
      }
    }
  }
  return undefined;
}

/**
 * Whether the recursive call asks for the same thing again: its arguments pass the parameters
 * through, step a counter (`attempt + 1`, `retriesLeft - 1`) or are values from outside. A call
 * on what the function computed from its input (`parse(text.slice(1))`, `walk(node.next)`,
 * `parse(rest)` with `rest` worked out inside) makes progress through data: not a retry.
 */
function repeatsSameOperation(tsm: TypeScriptModule, checker: TypeQueries, call: ts.CallExpression, fn: FunctionLike): boolean {
  const parameters = new Set(fn.parameters.flatMap((p) => (tsm.isIdentifier(p.name) ? [checker.getSymbolAtLocation(p.name)] : [])));
  const isParameter = (node: ts.Node) => tsm.isIdentifier(node) && parameters.has(checker.getSymbolAtLocation(node));
  const stepsCounter = (argument: ts.Expression) => {
    const value = skipOuterExpressions(tsm, argument);
    if (tsm.isBinaryExpression(value) && (value.operatorToken.kind === tsm.SyntaxKind.PlusToken || value.operatorToken.kind === tsm.SyntaxKind.MinusToken)) {
      return tsm.isNumericLiteral(skipOuterExpressions(tsm, value.right)) && identifierIn(tsm, value.left) !== undefined;
    }
    return steppedTarget(tsm, value) !== undefined;
  };
  if (call.arguments.some(stepsCounter) || call.arguments.some((argument) => tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, argument)))) return true;
  return call.arguments.every((argument) => {
    const value = skipOuterExpressions(tsm, argument);
    // `text.slice(1)`, `node.children[0]`, `node.next`: read from an input.
    if ((tsm.isCallExpression(value) || tsm.isPropertyAccessExpression(value) || tsm.isElementAccessExpression(value)) && someNode(tsm, value, isParameter)) return false;
    if (!tsm.isIdentifier(value) || isParameter(value)) return true;
    // A local worked out inside the function from its input.
    const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
    if (!declaration || !contains(fn, declaration) || !tsm.isVariableDeclaration(declaration)) return true;
    return !declaration.initializer || !someNode(tsm, declaration.initializer, isParameter);
  });
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
function guardingCondition(tsm: TypeScriptModule, checker: TypeQueries, call: ts.Node, fn: FunctionLike, parameters: Set<ts.Symbol | undefined>): Bound | null {
  const mentionsParameter = (expression: ts.Node): boolean => someNode(tsm, expression, (node) => tsm.isIdentifier(node) && parameters.has(checker.getSymbolAtLocation(node)));
  const limitOf = (condition: ts.Expression): Bound => {
    const comparison = comparisonOf(tsm, condition, (c) => mentionsParameter(c.subject));
    if (!comparison) return { attempts: undefined, text: condition.getText() };
    const declaration = comparison.variable ? resolveSymbol(tsm, checker, comparison.variable)?.valueDeclaration : undefined;
    const start = declaration && tsm.isParameter(declaration) && declaration.initializer ? (numberOf(tsm, declaration.initializer, checker) ?? 0) : 0;
    const limit = comparison.limit ?? numberOf(tsm, comparison.limitSide, checker);
    if (limit === undefined) return { attempts: undefined, text: comparison.limitSide.getText() };
    // retries > 0 counting down from a default: that many retries plus the first attempt.
    if (start > limit) return { attempts: start - limit + 1 };
    return { attempts: Math.max(1, limit - start + 1) };
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
