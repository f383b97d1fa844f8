import type ts from 'typescript';
import type { TypeQueries } from '@premortem/core';
import { chainOperands, isFunctionLike, resolveSymbol, skipOuterExpressions, someNode, walkTree, type TypeScriptModule } from '@premortem/core';

/**
 * What the code says about why it goes again: a retry repeats an operation *after it failed*
 * (a `catch`, a failed status check, an error result); a poll repeats it after it succeeded
 * without the awaited result; a lost race (a unique constraint, a deadlock, a compare-and-swap
 * that matched no row) is retried at once on purpose. Syntax only: cheap to ask.
 */

/** `!res.ok`, `res.status >= 500`, `[502, 503].includes(res.status)`, `res.statusCode === 429`: a response that failed. */
export function isFailedStatusCheck(tsm: TypeScriptModule, condition: ts.Expression): boolean {
  return someNode(
    tsm,
    condition,
    (node) => {
      if (tsm.isPrefixUnaryExpression(node) && node.operator === tsm.SyntaxKind.ExclamationToken) {
        const operand = skipOuterExpressions(tsm, node.operand);
        return tsm.isPropertyAccessExpression(operand) && operand.name.text === 'ok';
      }
      if (tsm.isBinaryExpression(node)) {
        const left = skipOuterExpressions(tsm, node.left);
        const right = skipOuterExpressions(tsm, node.right);
        if (isOkProperty(tsm, left) && right.kind === tsm.SyntaxKind.FalseKeyword) return true;
        return (isStatusOf(tsm, left) && isStatusNumber(tsm, right)) || (isStatusOf(tsm, right) && isStatusNumber(tsm, left));
      }
      if (tsm.isCallExpression(node) && tsm.isPropertyAccessExpression(node.expression) && /^(includes|has)$/.test(node.expression.name.text)) {
        const argument = node.arguments[0] ? skipOuterExpressions(tsm, node.arguments[0]) : undefined;
        return argument !== undefined && isStatusOf(tsm, argument);
      }
      return false;
    },
    (node) => isFunctionLike(tsm, node),
  );
}

/** `res.ok`, `res.ok && body`, `response.status === 200`: the attempt succeeded. */
export function isOkCheck(tsm: TypeScriptModule, condition: ts.Expression): boolean {
  return chainOperands(tsm, condition, tsm.SyntaxKind.AmpersandAmpersandToken).some((operand) => {
    if (isOkProperty(tsm, operand)) return true;
    if (!tsm.isBinaryExpression(operand) || !isStatusOf(tsm, skipOuterExpressions(tsm, operand.left))) return false;
    const right = skipOuterExpressions(tsm, operand.right);
    const k = tsm.SyntaxKind;
    if (!tsm.isNumericLiteral(right)) return false;
    const code = Number(right.text);
    if (operand.operatorToken.kind === k.EqualsEqualsEqualsToken || operand.operatorToken.kind === k.EqualsEqualsToken) return code >= 200 && code < 300;
    return (operand.operatorToken.kind === k.LessThanToken || operand.operatorToken.kind === k.LessThanEqualsToken) && code <= 400;
  });
}

function isOkProperty(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isPropertyAccessExpression(node) && node.name.text === 'ok';
}

function isStatusOf(tsm: TypeScriptModule, node: ts.Expression): boolean {
  const name = tsm.isPropertyAccessExpression(node) ? node.name.text : tsm.isIdentifier(node) ? node.text : undefined;
  return name !== undefined && /^(status|statusCode|httpStatus)$/i.test(name);
}

function isStatusNumber(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isNumericLiteral(node) && Number(node.text) >= 400 && Number(node.text) < 600;
}

/** The names a condition uses to tell success from failure: `res.ok`, `result.error`, `success`, `err`. */
const FAILURE_WORD = /^(ok|error|errors|err|success|succeeded|failed|failure|isError|isSuccess)$/i;

/**
 * A condition on the outcome of an attempt rather than on the data it brought back: a failed
 * status, `result.error`, `res.ok`, `data.success`. Leaving a loop on it means the loop went
 * round on a failure.
 */
export function isOutcomeCheck(tsm: TypeScriptModule, condition: ts.Expression): boolean {
  if (isFailedStatusCheck(tsm, condition)) return true;
  return someNode(
    tsm,
    condition,
    (node) =>
      (tsm.isPropertyAccessExpression(node) && FAILURE_WORD.test(node.name.text)) ||
      (tsm.isIdentifier(node) && FAILURE_WORD.test(node.text)) ||
      (tsm.isPropertyAccessExpression(node) && /status/i.test(node.name.text) && /^(ok|success|succeeded|failed|error)$/i.test(comparedString(tsm, node) ?? '')),
    (node) => isFunctionLike(tsm, node),
  );
}

/** `x.status === 'success'`: the string a status is compared with. */
function comparedString(tsm: TypeScriptModule, node: ts.Expression): string | undefined {
  const parent = node.parent;
  if (!tsm.isBinaryExpression(parent)) return undefined;
  const other = skipOuterExpressions(tsm, parent.left === node ? parent.right : parent.left);
  return tsm.isStringLiteralLike(other) ? other.text : undefined;
}

/**
 * `if (token) return token;`, `if (result != null) break;`: success is having a result, so going
 * round means the attempt came back empty, which a retry treats as a failure.
 */
export function isResultCheck(tsm: TypeScriptModule, condition: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, condition);
  if (tsm.isIdentifier(value) || tsm.isPropertyAccessExpression(value)) return true;
  if (!tsm.isBinaryExpression(value)) return false;
  const op = value.operatorToken.kind;
  const k = tsm.SyntaxKind;
  if (![k.ExclamationEqualsEqualsToken, k.ExclamationEqualsToken].includes(op)) return false;
  const other = skipOuterExpressions(tsm, value.right);
  return other.kind === k.NullKeyword || (tsm.isIdentifier(other) && other.text === 'undefined');
}

/** A thrown error, an `Error` built, or an error remembered (`lastError = …`) on the path that goes round. */
export function recordsFailure(tsm: TypeScriptModule, statements: readonly ts.Statement[]): boolean {
  return statements.some((statement) =>
    someNode(
      tsm,
      statement,
      (node) =>
        tsm.isThrowStatement(node) ||
        (tsm.isNewExpression(node) && /Error$/.test(node.expression.getText())) ||
        (tsm.isBinaryExpression(node) &&
          node.operatorToken.kind === tsm.SyntaxKind.EqualsToken &&
          /err/i.test(skipOuterExpressions(tsm, node.left).getText()) &&
          !isNothing(tsm, skipOuterExpressions(tsm, node.right))),
      (node) => isFunctionLike(tsm, node),
    ),
  );
}

/** `undefined`, `null`: clearing a remembered error rather than recording one. */
function isNothing(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return node.kind === tsm.SyntaxKind.NullKeyword || (tsm.isIdentifier(node) && node.text === 'undefined');
}

/**
 * Names of failures that a lost race produces: the same write succeeds when tried again at once
 * (Postgres 40001/40P01/23505, MySQL lock errors, Prisma P2002/P2034, DynamoDB conditional checks).
 */
const CONFLICT = /deadlock|duplicate|P2002|P2034|40001|40P01|23505|ER_LOCK|unique|serializ|conflict|optimistic|ConditionalCheck|TransactionCanceled|lock ?wait|lock ?timeout/i;

/**
 * A retry that goes again only on a lost race: its catch tests for a conflict (`isDeadlockError(e)`,
 * `e.code === 'P2002'`), or its attempt is a compare-and-swap write that matched no row
 * (`if (updated.count === 1) return`). Retrying at once is what such a race wants.
 */
export function isConflictRetry(tsm: TypeScriptModule, checker: TypeQueries, handler: ts.Node | undefined, attempt: ts.Node | undefined): boolean {
  const skipFunctions = (node: ts.Node) => isFunctionLike(tsm, node) && node !== handler;
  // The handler tests for a conflict and throws on some path: other failures leave.
  const testsConflict =
    handler !== undefined &&
    someNode(tsm, handler, (node) => tsm.isThrowStatement(node), skipFunctions) &&
    someNode(
      tsm,
      handler,
      (node) => (tsm.isIfStatement(node) || tsm.isConditionalExpression(node)) && CONFLICT.test((tsm.isIfStatement(node) ? node.expression : node.condition).getText()),
      skipFunctions,
    );
  if (testsConflict || !attempt) return testsConflict;
  return someNode(tsm, attempt, (node) => tsm.isIfStatement(node) && isCompareAndSwapCheck(tsm, checker, node.expression), (node) => isFunctionLike(tsm, node));
}

const AFFECTED_ROWS = /^(count|rowCount|affectedRows|numUpdatedRows|modifiedCount|matchedCount|changes)$/;

/** `updated.count === 1` where `updated` holds the result of an update: a conditional write's outcome. */
function isCompareAndSwapCheck(tsm: TypeScriptModule, checker: TypeQueries, condition: ts.Expression): boolean {
  let found = false;
  walkTree(tsm, condition, (node) => {
    if (!tsm.isPropertyAccessExpression(node) || !AFFECTED_ROWS.test(node.name.text)) return;
    const holder = skipOuterExpressions(tsm, node.expression);
    if (!tsm.isIdentifier(holder)) return;
    const declaration = resolveSymbol(tsm, checker, holder)?.valueDeclaration;
    if (declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer && /\bupdate\w*\s*\(|\.update\w*\(/i.test(declaration.initializer.getText())) {
      found = true;
      return 'stop';
    }
  });
  return found;
}

/** `Date.now() < deadline`, `now() - startedAt < timeoutMs`, `remainingMs <= 0`: a bound on elapsed time. */
export function isTimeBudget(tsm: TypeScriptModule, condition: ts.Expression): boolean {
  return someNode(tsm, condition, (node) => {
    if (!tsm.isBinaryExpression(node)) return false;
    const op = node.operatorToken.kind;
    const k = tsm.SyntaxKind;
    if (![k.LessThanToken, k.LessThanEqualsToken, k.GreaterThanToken, k.GreaterThanEqualsToken].includes(op)) return false;
    return /Date\.now\(\)|performance\.now\(\)|\bnow\(\)|getTime\(\)|deadline|elapsed|timeout|remaining|expires?At/i.test(node.getText());
  });
}
