import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { calleeName, isFunctionLike, resolveCalledFunction, resolveSymbol, skipOuterExpressions, walkTree, type TypeScriptModule } from '@premortem/core';
import type { Delay } from './construct.js';
import { propertyValue } from './values.js';

const SLEEP_NAME = /^(sleep|delay|wait|pause|backoff|timeout|setTimeout|waitFor|snooze)\w*$/i;

export interface Wait {
  delay: Delay;
  /** How a growing wait grows. */
  growth?: 'linear' | 'exponential';
  /** Whether the wait is randomized; undefined when it is computed by code the rule cannot read. */
  jitter: boolean | undefined;
  /** The waiting expression, as the code spells it. */
  text?: string;
}

/**
 * The wait inside a retry: the first `await sleep(ms)`, `await setTimeout(ms)` or
 * `await new Promise((r) => setTimeout(r, ms))` in `region`, judged by the expression that
 * computes `ms`. `counters` are the variables the retry counts attempts with.
 */
export function findWait(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, region: ts.Node, counters: ReadonlySet<ts.Symbol>): Wait {
  let found: ts.Expression | null | undefined;
  let waiting: ts.Node | undefined;
  walkTree(tsm, region, (node) => {
    // Functions defined here are not run here (a Promise executor is read by waitAmount).
    if (isFunctionLike(tsm, node) && node !== region) return 'skip';
    if (tsm.isAwaitExpression(node)) {
      found = waitAmount(tsm, skipOuterExpressions(tsm, node.expression));
      waiting = node.expression;
      if (found !== undefined) return 'stop';
    }
  });
  if (found === undefined) return { delay: 'none', jitter: false };
  const text = waiting ? compact(waiting.getText()) : undefined;
  if (found === null) return { delay: 'unknown', jitter: false, ...(text ? { text } : {}) };
  return { ...judge(tsm, program, checker, found, counters, region), ...(text ? { text } : {}) };
}

/** `await sleep(ms)`, `await new Promise((r) => setTimeout(r, ms))`: an expression that pauses. */
export function isWait(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, expression);
  return tsm.isAwaitExpression(value) && waitAmount(tsm, skipOuterExpressions(tsm, value.expression)) !== undefined;
}

function compact(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

/** The milliseconds a waiting expression waits; null when it waits an amount the code does not show. */
function waitAmount(tsm: TypeScriptModule, expression: ts.Expression): ts.Expression | null | undefined {
  if (tsm.isCallExpression(expression)) {
    const name = calleeName(tsm, expression.expression);
    if (!name || !SLEEP_NAME.test(name)) return undefined;
    const amount = expression.arguments[0];
    // `backOff(() => call())`, `waitFor(() => ready())`: a function to run, not a pause.
    if (amount && isFunctionLike(tsm, skipOuterExpressions(tsm, amount))) return undefined;
    return amount ?? null;
  }
  if (tsm.isNewExpression(expression) && calleeName(tsm, expression.expression) === 'Promise') {
    const executor = expression.arguments?.[0];
    let amount: ts.Expression | null | undefined;
    if (!executor) return undefined;
    walkTree(tsm, executor, (node) => {
      if (tsm.isCallExpression(node) && calleeName(tsm, node.expression) === 'setTimeout') {
        amount = node.arguments[1] ?? null;
        return 'stop';
      }
    });
    return amount;
  }
  return undefined;
}

/** Multiplication spelled out: `2 ** attempt`, `Math.pow(2, n)`, `1 << n`. */
const EXPONENTIAL = /\*\*|Math\.pow|<</;
/** A helper named for it (`exponentialBackoff(attempt)`), when its body cannot be read. */
const EXPONENTIAL_NAME = /exponential|backoff/i;
const JITTER = /Math\.random|\bjitter|\brandom/i;

/**
 * Growing when the amount depends on an attempt counter or is reassigned in the retry
 * (`delay *= 2`, `delay += step`); exponential when it multiplies (`**`, `Math.pow`, `<<`,
 * `delay *= 2`); jittered when `Math.random()` takes part. Reads the local declarations and
 * project functions that compute it (`sleep(backoff(attempt))`); an amount computed by a function
 * the project does not define is not judged, unless its name says it backs off.
 */
function judge(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, amount: ts.Expression, counters: ReadonlySet<ts.Symbol>, region: ts.Node): Wait {
  const texts: string[] = [amount.getText()];
  let usesCounter = false;
  let reassigned = 'none' as Reassignment;
  let unread = false;
  let namedBackoff = false;
  // `depth` counts declarations followed, not nesting: the recursion below is at most four deep
  // (`total = delay + jitter`, `delay = retryAfter ?? base`, `base = 2000 * 2 ** n`).
  const read = (root: ts.Node, depth: number): void =>
    walkTree(tsm, root, (node) => {
      // `CONFIG.retry.baseMs`: the property read, not the whole object (nor what its other properties use).
      const property = tsm.isPropertyAccessExpression(node) && depth < MAX_DEPTH ? propertyValue(tsm, checker, node) : undefined;
      if (property) {
        texts.push(property.getText());
        read(property, depth + 1);
        return 'skip';
      }
      if (tsm.isIdentifier(node)) {
        const symbol = resolveSymbol(tsm, checker, node);
        if (symbol && counters.has(symbol)) usesCounter = true;
        const declaration = symbol?.valueDeclaration;
        if (depth < MAX_DEPTH && declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) {
          texts.push(declaration.initializer.getText());
          read(declaration.initializer, depth + 1);
        }
        const kind = symbol ? reassignmentIn(tsm, checker, region, symbol) : 'none';
        if (kind === 'multiplied' || (kind === 'added' && reassigned === 'none')) reassigned = kind;
      }
      if (tsm.isCallExpression(node) && depth < MAX_DEPTH) {
        const fn = resolveCalledFunction(tsm, program, checker, node);
        if (fn?.body) texts.push(fn.body.getText());
        else if (!KNOWN_ARITHMETIC.test(node.expression.getText())) {
          unread = true;
          if (EXPONENTIAL_NAME.test(calleeName(tsm, node.expression) ?? '')) namedBackoff = true;
        }
      }
    });
  read(amount, 0);
  const text = texts.join('\n');
  const literal = tsm.isNumericLiteral(skipOuterExpressions(tsm, amount));
  const exponential = EXPONENTIAL.test(text) || reassigned === 'multiplied' || namedBackoff;
  const growing = exponential || usesCounter || reassigned !== 'none';
  const delay: Delay = literal && Number((skipOuterExpressions(tsm, amount) as ts.NumericLiteral).text) === 0 ? 'none' : growing ? 'growing' : unread ? 'unknown' : 'constant';
  // A helper the rule cannot read may well randomize: only what the code shows is held against it.
  return { delay, ...(growing ? { growth: exponential ? 'exponential' : 'linear' } : {}), jitter: JITTER.test(text) ? true : unread ? undefined : false };
}

type Reassignment = 'none' | 'added' | 'multiplied';

const MAX_DEPTH = 4;

/** Calls whose result the rule can judge without reading them. */
const KNOWN_ARITHMETIC = /^(Math\.\w+|Number|parseInt|parseFloat|Number\.\w+)$/;

/** `delay *= 2`, `delay = Math.min(delay * 2, max)` (multiplied) or `delay += 500` (added) inside the retry. */
function reassignmentIn(tsm: TypeScriptModule, checker: TypeQueries, region: ts.Node, symbol: ts.Symbol): Reassignment {
  let found: Reassignment = 'none';
  walkTree(tsm, region, (node) => {
    if (!tsm.isBinaryExpression(node) || node.operatorToken.kind < tsm.SyntaxKind.FirstAssignment || node.operatorToken.kind > tsm.SyntaxKind.LastAssignment) return;
    const target = skipOuterExpressions(tsm, node.left);
    if (!tsm.isIdentifier(target) || checker.getSymbolAtLocation(target) !== symbol) return;
    const k = tsm.SyntaxKind;
    const op = node.operatorToken.kind;
    if (op === k.AsteriskEqualsToken || op === k.AsteriskAsteriskEqualsToken || op === k.LessThanLessThanEqualsToken || /[*]|<</.test(node.right.getText())) {
      found = 'multiplied';
      return 'stop';
    }
    if (op !== k.EqualsToken) found = 'added';
  });
  return found;
}
